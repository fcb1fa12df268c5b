{#
    Seeds on Spark: the rows go in as SQL literals.

    dbt-spark 1.11 with `method: session` pastes each CSV value into the
    INSERT as '<value>' without escaping, so a description with an apostrophe
    ("the contract's overall index") breaks the statement, and an empty cell
    arrives as the text 'None'. This is the adapter's own macro with the one
    difference that values are rendered here: NULL for an empty cell, a
    backslash-escaped string literal otherwise (Spark's literal syntax), then
    cast to the seed's column type as before. DuckDB's loader is not affected.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}

    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ spark_seed_literal(row[loop.index0]) }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor -%}
        {%- endset -%}

        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}

        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}

    {# the first batch is what dbt writes to the compiled files #}
    {{ return(statements[0]) }}
{% endmacro %}

{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        '{{ (value | string).replace("\\", "\\\\").replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
