{#
    A lake source (the Parquet files ingest wrote, or the ledger snapshot),
    read in place on every engine. Models and macros write
    `{{ lake_source('participants') }}` where they would write
    `{{ source('lake', 'participants') }}`.

    Where the files are is said once, by the source's `meta.location`
    (generated into models/staging/_sources.yml from the registry). Only how
    an engine reads that location differs, hence the dispatch:

    * DuckDB: the source itself; dbt-duckdb renders it through the source's
      `external_location` template, `read_parquet('{location}', ...)`.
    * Spark: `parquet.`<location>``, a query on the files themselves (no table
      in the metastore, nothing copied). Files of one dataset may differ in
      columns; the Spark target merges Parquet schemas (profiles.yml), as
      DuckDB's union_by_name does.

    Calling source() in every implementation is what gives dbt the lineage,
    and in a unit test it is the fixture, which is used as it is.
#}
{% macro lake_source(table_name) -%}
    {{ return(adapter.dispatch('lake_source')(table_name)) }}
{%- endmacro %}

{% macro default__lake_source(table_name) -%}
    {{ return(source('lake', table_name)) }}
{%- endmacro %}

{% macro spark__lake_source(table_name) -%}
    {%- set relation = source('lake', table_name) -%}
    {%- if not execute or relation.is_cte -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set location = lake_source_location(table_name) -%}
    {{ return('parquet.`' ~ location ~ '`') }}
{%- endmacro %}

{# The rendered meta.location of a lake table (env_var already applied by dbt). #}
{% macro lake_source_location(table_name) -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == 'lake' and node.name == table_name -%}
            {%- set location = node.config.meta.get('location') or node.meta.get('location') -%}
            {%- if not location -%}
                {{ exceptions.raise_compiler_error("source lake." ~ table_name ~ " has no meta.location") }}
            {%- endif -%}
            {{ return(location) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no source lake." ~ table_name) }}
{%- endmacro %}
