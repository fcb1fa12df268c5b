-- The four domain ratios of every rated unit (each contract, and each prime
-- over all its contracts) in every rating quarter (spec §4); 1.00 is the
-- national position. A domain without enough data is null.
with

contracts as (
    select contract_id, prime_ukprn, start_date, end_date from {{ ref('stg_lake__contracts') }}
),

rating_quarters as (
    select
        rating_quarter_index,
        rating_quarter,
        as_of_date,
        {{ quarter_start_from_index('min(cohort_quarter_index)') }} as window_start
    from {{ ref('int_rating_windows') }}
    group by rating_quarter_index, rating_quarter, as_of_date
),

-- a contract is rated from its start for as long as its referrals can still
-- fall in the window; one that ended before the window's cohorts has no row
contract_quarters as (
    select
        contracts.contract_id,
        contracts.prime_ukprn,
        rating_quarters.rating_quarter_index,
        rating_quarters.rating_quarter,
        rating_quarters.as_of_date
    from contracts
    cross join rating_quarters
    where contracts.start_date <= rating_quarters.as_of_date
        and (contracts.end_date is null or contracts.end_date >= rating_quarters.window_start)
),

window_participants as (
    select * from {{ ref('int_benchmark__participant_rates') }}
),

responses as (
    select ukprn, participant_ref, survey_date, overall_satisfaction from {{ ref('stg_lake__customer_survey') }}
),

inspections as (
    select ukprn, inspection_date, grade from {{ ref('stg_lake__inspections') }}
),

grade_scores as (
    select grade, score from {{ ref('inspection_grade_scores') }}
),

parameters as (
    select min_survey_responses, inspection_lookback_years from {{ ref('int_measure_parameters') }}
),

rated_units as (
    select
        'CONTRACT' as rated_unit_type,
        contract_id as rated_unit_id,
        prime_ukprn,
        rating_quarter_index,
        rating_quarter,
        as_of_date
    from contract_quarters
    union all
    select distinct
        'PRIME' as rated_unit_type,
        prime_ukprn as rated_unit_id,
        prime_ukprn,
        rating_quarter_index,
        rating_quarter,
        as_of_date
    from contract_quarters
),

unit_participants as (
    select
        'CONTRACT' as rated_unit_type,
        contract_id as rated_unit_id,
        rating_quarter_index,
        as_of_date,
        ukprn,
        participant_ref,
        sustained_outcome,
        benchmark_rate,
        cost_in_maturity_gbp
    from window_participants
    union all
    select
        'PRIME' as rated_unit_type,
        prime_ukprn as rated_unit_id,
        rating_quarter_index,
        as_of_date,
        ukprn,
        participant_ref,
        sustained_outcome,
        benchmark_rate,
        cost_in_maturity_gbp
    from window_participants
),

outcome_totals as (
    select
        rated_unit_type,
        rated_unit_id,
        rating_quarter_index,
        count(*) as referrals_in_window,
        sum(sustained_outcome) as actual_outcomes,
        sum(benchmark_rate) as expected_outcomes,
        sum(cost_in_maturity_gbp) as cost_gbp
    from unit_participants
    group by rated_unit_type, rated_unit_id, rating_quarter_index
),

national_cost as (
    select
        rating_quarter_index,
        sum(cost_in_maturity_gbp) / nullif(sum(sustained_outcome), 0) as national_cost_per_outcome
    from window_participants
    group by rating_quarter_index
),

unit_responses as (
    select
        unit_participants.rated_unit_type,
        unit_participants.rated_unit_id,
        unit_participants.rating_quarter_index,
        responses.overall_satisfaction
    from unit_participants
    inner join responses
        on unit_participants.ukprn = responses.ukprn
        and unit_participants.participant_ref = responses.participant_ref
        and responses.survey_date <= unit_participants.as_of_date
),

response_totals as (
    select
        rated_unit_type,
        rated_unit_id,
        rating_quarter_index,
        count(*) as survey_responses,
        avg(cast(overall_satisfaction as double)) as mean_satisfaction
    from unit_responses
    group by rated_unit_type, rated_unit_id, rating_quarter_index
),

national_satisfaction as (
    -- every response counts once nationally, so the contract units alone
    select
        rating_quarter_index,
        avg(cast(overall_satisfaction as double)) as national_mean_satisfaction
    from unit_responses
    where rated_unit_type = 'CONTRACT'
    group by rating_quarter_index
),

latest_inspections as (
    select
        rated_units.rated_unit_type,
        rated_units.rated_unit_id,
        rated_units.rating_quarter_index,
        inspections.grade
    from rated_units
    cross join parameters
    inner join inspections
        on rated_units.prime_ukprn = inspections.ukprn
        and inspections.inspection_date <= rated_units.as_of_date
        and inspections.inspection_date
            >= {{ add_months('-12 * parameters.inspection_lookback_years', 'rated_units.as_of_date') }}
    qualify row_number() over (
        partition by rated_units.rated_unit_type, rated_units.rated_unit_id, rated_units.rating_quarter_index
        order by inspections.inspection_date desc, inspections.grade desc
    ) = 1
)

select
    rated_units.rated_unit_type,
    rated_units.rated_unit_id,
    rated_units.prime_ukprn,
    rated_units.rating_quarter_index,
    rated_units.rating_quarter,
    cast(coalesce(outcome_totals.referrals_in_window, 0) as bigint) as referrals_in_window,
    cast(coalesce(outcome_totals.actual_outcomes, 0) as bigint) as actual_outcomes,
    cast(coalesce(outcome_totals.expected_outcomes, 0) as double) as expected_outcomes,
    cast(coalesce(response_totals.survey_responses, 0) as bigint) as survey_responses,
    cast(
        outcome_totals.actual_outcomes / nullif(outcome_totals.expected_outcomes, 0) as double
    ) as outcomes_ratio,
    -- national cost per outcome / the unit's, written so that a unit with
    -- costs and no outcome scores 0 rather than dividing by zero
    cast(
        national_cost.national_cost_per_outcome * outcome_totals.actual_outcomes
        / nullif(outcome_totals.cost_gbp, 0) as double
    ) as value_for_money_ratio,
    cast(grade_scores.score as double) as quality_ratio,
    cast(
        case
            when response_totals.survey_responses >= parameters.min_survey_responses
                then response_totals.mean_satisfaction / nullif(national_satisfaction.national_mean_satisfaction, 0)
        end as double
    ) as customer_experience_ratio
from rated_units
cross join parameters
left join outcome_totals
    on rated_units.rated_unit_type = outcome_totals.rated_unit_type
    and rated_units.rated_unit_id = outcome_totals.rated_unit_id
    and rated_units.rating_quarter_index = outcome_totals.rating_quarter_index
left join national_cost
    on rated_units.rating_quarter_index = national_cost.rating_quarter_index
left join response_totals
    on rated_units.rated_unit_type = response_totals.rated_unit_type
    and rated_units.rated_unit_id = response_totals.rated_unit_id
    and rated_units.rating_quarter_index = response_totals.rating_quarter_index
left join national_satisfaction
    on rated_units.rating_quarter_index = national_satisfaction.rating_quarter_index
left join latest_inspections
    on rated_units.rated_unit_type = latest_inspections.rated_unit_type
    and rated_units.rated_unit_id = latest_inspections.rated_unit_id
    and rated_units.rating_quarter_index = latest_inspections.rating_quarter_index
left join grade_scores
    on latest_inspections.grade = grade_scores.grade
