-- The rating rows of every approved release, as the release published them:
-- one row per release version x rated unit x rating quarter. Rows whose
-- release folder does not exist (approval stopped between writing them and
-- renaming the release into place) are left out.
with

published as (
    select * from {{ lake_source('published_ratings') }}
),

approved as (
    select release_period, release_version from {{ ref('stg_releases__approved') }}
),

renamed as (
    select
        cast(published.rated_unit_type as {{ dbt.type_string() }}) as rated_unit_type,
        cast(published.rated_unit_id as {{ dbt.type_string() }}) as rated_unit_id,
        cast(published.contract_id as {{ dbt.type_string() }}) as contract_id,
        cast(published.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
        cast(published.rating_quarter as {{ dbt.type_string() }}) as rating_quarter,
        cast(published.rating_status as {{ dbt.type_string() }}) as rating_status,
        cast(published.stars as int) as stars,
        cast(published.composite as double) as composite,
        cast(published.release_period as {{ dbt.type_string() }}) as release_period,
        cast(published.release_version as int) as release_version,
        cast(published.approved_at as {{ dbt.type_string() }}) as approved_at
    from published
    inner join approved
        on published.release_period = approved.release_period
        and published.release_version = approved.release_version
)

select * from renamed
