-- The four domain ratios of every rated unit (each contract, and each prime
-- over all its contracts) in every rating quarter; 1.00 is the national
-- position. A domain without enough data is null. The outcomes and
-- value-for-money domains come from int_star_ratings__outcomes, quality from
-- int_star_ratings__quality, customer experience from
-- int_star_ratings__customer_experience; every ratio is already rounded to 6
-- places.
with

outcomes as (
    select * from {{ ref('int_star_ratings__outcomes') }}
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
    outcomes.rated_unit_type,
    outcomes.rated_unit_id,
    outcomes.prime_ukprn,
    outcomes.rating_quarter_index,
    outcomes.rating_quarter,
    outcomes.referrals_in_window,
    outcomes.cohorts_in_window,
    outcomes.actual_outcomes,
    outcomes.expected_outcomes,
    cast(coalesce(customer_experience.survey_responses, 0) as bigint) as survey_responses,
    outcomes.outcomes_ratio,
    outcomes.value_for_money_ratio,
    quality.quality_ratio,
    customer_experience.customer_experience_ratio
from outcomes
left join quality
    on outcomes.rated_unit_type = quality.rated_unit_type
    and outcomes.rated_unit_id = quality.rated_unit_id
    and outcomes.rating_quarter_index = quality.rating_quarter_index
left join customer_experience
    on outcomes.rated_unit_type = customer_experience.rated_unit_type
    and outcomes.rated_unit_id = customer_experience.rated_unit_id
    and outcomes.rating_quarter_index = customer_experience.rating_quarter_index
