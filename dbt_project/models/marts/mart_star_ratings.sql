-- One row per contract x rating quarter: the star rating of spec §4 with
-- its four domain ratios, composite, stars, rank and the previous quarter's
-- stars. Columns are a public interface: keep them as they are.
with

ratings as (
    select * from {{ ref('int_star_ratings__banded') }}
    where rated_unit_type = 'CONTRACT'
)

select
    cast(rated_unit_id as {{ dbt.type_string() }}) as contract_id,
    cast(prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(rating_quarter as {{ dbt.type_string() }}) as rating_quarter,
    cast(referrals_in_window as bigint) as referrals_in_window,
    cast(outcomes_ratio as double) as outcomes_ratio,
    cast(value_for_money_ratio as double) as value_for_money_ratio,
    cast(quality_ratio as double) as quality_ratio,
    cast(customer_experience_ratio as double) as customer_experience_ratio,
    cast(composite as double) as composite,
    cast(stars as int) as stars,
    cast(rating_status as {{ dbt.type_string() }}) as rating_status,
    cast(not_rated_reason as {{ dbt.type_string() }}) as not_rated_reason,
    cast(rating_rank as int) as rank,
    cast(previous_stars as int) as previous_stars
from ratings
