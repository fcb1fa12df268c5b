{#
    `cast(field, type)` on Spark, for the type names the marts' contracts use.

    The contracts (models/marts/*.yml) type text columns `varchar`, which
    DuckDB reads as unbounded text. Spark only knows `varchar(n)` and calls
    unbounded text `string`, so dbt's contract check (it casts null to each
    declared type) would stop every mart there. Here `varchar`/`text` without
    a length become `string`; every other type passes through unchanged.
#}
{% macro spark__cast(field, type) -%}
    {%- set name = (type | string).strip().lower() -%}
    {%- if name in ('varchar', 'text', 'character varying') -%}
        {%- set type = 'string' -%}
    {%- endif -%}
    cast({{ field }} as {{ type }})
{%- endmacro %}
