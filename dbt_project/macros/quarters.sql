{#
    Calendar quarters (`YYYYQn`, the MI specification's period) without
    engine-specific date formatting: strftime/date_format differ between DuckDB
    and Spark, so labels are built from extract() and concat().

    A quarter index is year * 4 + (quarter - 1); consecutive quarters differ
    by one, which keeps "previous quarter" and "n quarters back" arithmetic in
    plain integers.
#}

{% macro quarter_index(date_expr) -%}
    (cast(extract(year from {{ date_expr }}) as int) * 4 + cast(extract(quarter from {{ date_expr }}) as int) - 1)
{%- endmacro %}

{% macro quarter_label(date_expr) -%}
    concat(
        cast(cast(extract(year from {{ date_expr }}) as int) as {{ dbt.type_string() }}),
        'Q',
        cast(cast(extract(quarter from {{ date_expr }}) as int) as {{ dbt.type_string() }})
    )
{%- endmacro %}

{% macro quarter_label_from_index(index_expr) -%}
    concat(
        cast(cast(floor(({{ index_expr }}) / 4) as int) as {{ dbt.type_string() }}),
        'Q',
        cast(cast(({{ index_expr }}) - 4 * cast(floor(({{ index_expr }}) / 4) as int) + 1 as int) as {{ dbt.type_string() }})
    )
{%- endmacro %}

{# 2000Q1 has index 8000: an anchor that every engine can parse as a date literal. #}
{% macro quarter_start_from_index(index_expr) -%}
    cast({{ dbt.dateadd('month', '3 * ((' ~ index_expr ~ ') - 8000)', "cast('2000-01-01' as date)") }} as date)
{%- endmacro %}

{% macro quarter_end_from_index(index_expr) -%}
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', '3 * ((' ~ index_expr ~ ') - 7999)', "cast('2000-01-01' as date)")) }} as date)
{%- endmacro %}

{% macro quarter_index_from_label(label_expr) -%}
    (cast(substr({{ label_expr }}, 1, 4) as int) * 4 + cast(substr({{ label_expr }}, 6, 1) as int) - 1)
{%- endmacro %}

{# A date moved by whole days, back as a date (dateadd returns a timestamp on both engines). #}
{% macro add_days(days_expr, date_expr) -%}
    cast({{ dbt.dateadd('day', days_expr, date_expr) }} as date)
{%- endmacro %}

{% macro add_months(months_expr, date_expr) -%}
    cast({{ dbt.dateadd('month', months_expr, date_expr) }} as date)
{%- endmacro %}
