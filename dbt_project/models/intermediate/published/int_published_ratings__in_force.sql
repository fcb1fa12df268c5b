-- The rating of each unit and quarter as published: the row of the latest
-- approved version of the release for that quarter itself, the rating that
-- was in force when decisions were taken. A later quarter's release that
-- restates an earlier quarter does not change what was published for it.
with

published as (
    select
        rated_unit_type,
        rated_unit_id,
        rating_quarter,
        rating_status,
        stars,
        composite,
        release_period,
        release_version
    from {{ ref('stg_lake__published_ratings') }}
    where release_period = rating_quarter
),

latest as (
    select *
    from published
    qualify row_number() over (
        partition by rated_unit_type, rated_unit_id, rating_quarter
        order by release_version desc
    ) = 1
)

select
    rated_unit_type,
    rated_unit_id,
    rating_quarter,
    stars as published_stars,
    rating_status as published_rating_status,
    composite as published_composite,
    concat(release_period, ' v', cast(release_version as {{ dbt.type_string() }})) as published_release
from latest
