-- One row: how current the warehouse is. The date of the employment evidence,
-- the latest provider return received, the last complete quarter, the quarters
-- the star ratings cover, when this build ran and from which code.
--
-- built_at is dbt's run_started_at (UTC) and code_version the dbt var
-- code_version, which the build runner sets to the git commit or the package
-- version (warehouse/build.py); both are literals here, so DuckDB and Spark
-- agree.
{#- quotes and backslashes would end the literal on one engine or the other -#}
{%- set code_version = var('code_version', 'unknown') | string | replace("'", "") | replace("\\", "") %}

with

extract as (
    select extract_date, last_complete_quarter from {{ ref('int_employment__extract') }}
),

submissions as (
    select max(received_at) as latest_submission_received_at
    from {{ ref('stg_lake__submissions') }}
    where kind = 'return'
),

ratings as (
    select
        min(rating_quarter) as first_rating_quarter,
        max(rating_quarter) as last_rating_quarter
    from {{ ref('mart_star_ratings') }}
)

select
    cast(extract.extract_date as date) as extract_date,
    cast(submissions.latest_submission_received_at as timestamp) as latest_submission_received_at,
    cast(extract.last_complete_quarter as {{ dbt.type_string() }}) as last_complete_quarter,
    cast(ratings.first_rating_quarter as {{ dbt.type_string() }}) as first_rating_quarter,
    cast(ratings.last_rating_quarter as {{ dbt.type_string() }}) as last_rating_quarter,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at,
    cast('{{ code_version }}' as {{ dbt.type_string() }}) as code_version
from extract
cross join submissions
cross join ratings
