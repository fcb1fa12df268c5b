-- One row per contract x rating quarter (complete quarters only): the star
-- rating with its four domain ratios, composite, stars, rank and previous
-- stars; beside the rank the uncertainty of the outcomes ratio (its 95%
-- interval and whether it differs from the national position); and the
-- stars as published in the quarter's own release. The first fourteen columns
-- are a public interface: keep them as they are; new columns go after them.
with

ratings as (
    select * from {{ ref('int_star_ratings__banded') }}
    where rated_unit_type = 'CONTRACT'
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
)

select
    cast(ratings.rated_unit_id as {{ dbt.type_string() }}) as contract_id,
    cast(ratings.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(ratings.rating_quarter as {{ dbt.type_string() }}) as rating_quarter,
    cast(ratings.referrals_in_window as bigint) as referrals_in_window,
    cast(ratings.outcomes_ratio as double) as outcomes_ratio,
    cast(ratings.value_for_money_ratio as double) as value_for_money_ratio,
    cast(ratings.quality_ratio as double) as quality_ratio,
    cast(ratings.customer_experience_ratio as double) as customer_experience_ratio,
    cast(ratings.composite as double) as composite,
    cast(ratings.stars as int) as stars,
    cast(ratings.rating_status as {{ dbt.type_string() }}) as rating_status,
    cast(ratings.not_rated_reason as {{ dbt.type_string() }}) as not_rated_reason,
    cast(ratings.rating_rank as int) as rank,
    cast(ratings.previous_stars as int) as previous_stars,
    cast(ratings.cohorts_in_window as int) as cohorts_in_window,
    cast(ratings.expected_outcomes as double) as expected_outcomes,
    cast(ratings.actual_outcomes as bigint) as actual_outcomes,
    cast(ratings.domains_used as {{ dbt.type_string() }}) as domains_used,
    cast(ratings.published_stars as int) as published_stars,
    cast(ratings.published_release as {{ dbt.type_string() }}) as published_release,
    cast(ratings.outcomes_lower as double) as outcomes_lower,
    cast(ratings.outcomes_upper as double) as outcomes_upper,
    cast(ratings.compared_with_national as {{ dbt.type_string() }}) as compared_with_national,
    cast(providers.provider_name as {{ dbt.type_string() }}) as prime_name
from ratings
left join providers
    on ratings.prime_ukprn = providers.ukprn
