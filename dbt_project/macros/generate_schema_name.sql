{#
    Schemas are named literally after the layer (`staging`, `intermediate`,
    `marts`, `seeds`): analysts and the release query `marts.fct_...`, so the
    dbt default of prefixing the target schema (`main_marts`) must not apply.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
