-- The customer experience domain of every rated unit with survey responses in
-- a rating quarter: the mean overall_satisfaction of its window participants'
-- responses dated by the quarter's end, over the national mean of the same
-- responses (int_star_ratings__national_satisfaction); null below
-- min_survey_responses responses. Rounded to 6 places.
with

window_responses as (
    select rating_quarter_index, contract_id, prime_ukprn, overall_satisfaction
    from {{ ref('int_star_ratings__window_responses') }}
),

national as (
    select rating_quarter_index, national_mean_satisfaction
    from {{ ref('int_star_ratings__national_satisfaction') }}
),

parameters as (
    select min_survey_responses from {{ ref('int_measure_parameters') }}
),

unit_responses as (
    select 'CONTRACT' as rated_unit_type, contract_id as rated_unit_id, rating_quarter_index, overall_satisfaction
    from window_responses
    union all
    select 'PRIME' as rated_unit_type, prime_ukprn as rated_unit_id, rating_quarter_index, overall_satisfaction
    from window_responses
),

unit_totals as (
    select
        rated_unit_type,
        rated_unit_id,
        rating_quarter_index,
        count(*) as survey_responses,
        avg(overall_satisfaction) as mean_satisfaction
    from unit_responses
    group by rated_unit_type, rated_unit_id, rating_quarter_index
)

select
    unit_totals.rated_unit_type,
    unit_totals.rated_unit_id,
    unit_totals.rating_quarter_index,
    cast(unit_totals.survey_responses as bigint) as survey_responses,
    cast(
        round(
            case
                when unit_totals.survey_responses >= parameters.min_survey_responses
                    then unit_totals.mean_satisfaction / nullif(national.national_mean_satisfaction, 0)
            end,
            6
        ) as double
    ) as customer_experience_ratio
from unit_totals
cross join parameters
inner join national
    on unit_totals.rating_quarter_index = national.rating_quarter_index
