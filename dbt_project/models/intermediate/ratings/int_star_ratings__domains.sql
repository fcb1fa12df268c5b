-- The four domain ratios of every rated unit (each contract, and each prime
-- over all its contracts) in every rating quarter, side by side; 1.00 is the
-- national position. A domain without enough data is null. One model per
-- domain: int_star_ratings__outcomes, __value_for_money, __quality and
-- __customer_experience, on the units of int_star_ratings__units; every ratio
-- is already rounded to 6 places.
with

units as (
    select
        rated_unit_type,
        rated_unit_id,
        prime_ukprn,
        rating_quarter_index,
        rating_quarter,
        referrals_in_window,
        cohorts_in_window
    from {{ ref('int_star_ratings__units') }}
),

outcomes as (
    select rated_unit_type, rated_unit_id, rating_quarter_index, actual_outcomes, expected_outcomes, outcomes_ratio
    from {{ ref('int_star_ratings__outcomes') }}
),

value_for_money as (
    select rated_unit_type, rated_unit_id, rating_quarter_index, value_for_money_ratio
    from {{ ref('int_star_ratings__value_for_money') }}
),

quality as (
    select rated_unit_type, rated_unit_id, rating_quarter_index, quality_ratio
    from {{ ref('int_star_ratings__quality') }}
),

customer_experience as (
    select rated_unit_type, rated_unit_id, rating_quarter_index, survey_responses, customer_experience_ratio
    from {{ ref('int_star_ratings__customer_experience') }}
)

select
    units.rated_unit_type,
    units.rated_unit_id,
    units.prime_ukprn,
    units.rating_quarter_index,
    units.rating_quarter,
    units.referrals_in_window,
    units.cohorts_in_window,
    outcomes.actual_outcomes,
    outcomes.expected_outcomes,
    cast(coalesce(customer_experience.survey_responses, 0) as bigint) as survey_responses,
    outcomes.outcomes_ratio,
    value_for_money.value_for_money_ratio,
    quality.quality_ratio,
    customer_experience.customer_experience_ratio
from units
left join outcomes
    on units.rated_unit_type = outcomes.rated_unit_type
    and units.rated_unit_id = outcomes.rated_unit_id
    and units.rating_quarter_index = outcomes.rating_quarter_index
left join value_for_money
    on units.rated_unit_type = value_for_money.rated_unit_type
    and units.rated_unit_id = value_for_money.rated_unit_id
    and units.rating_quarter_index = value_for_money.rating_quarter_index
left join quality
    on units.rated_unit_type = quality.rated_unit_type
    and units.rated_unit_id = quality.rated_unit_id
    and units.rating_quarter_index = quality.rating_quarter_index
left join customer_experience
    on units.rated_unit_type = customer_experience.rated_unit_type
    and units.rated_unit_id = customer_experience.rated_unit_id
    and units.rating_quarter_index = customer_experience.rating_quarter_index
