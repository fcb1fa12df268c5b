-- The outcomes and value-for-money domains of every rated unit (each
-- contract, and each prime pooling its contracts' participants) in every
-- rating quarter, from the participants of the quarter's window.
--
-- Outcomes: the like-for-like index O / E, O the counted SUSTAINED_26W
-- outcomes, E the sum of the participants' national benchmark rates.
-- Value for money, like for like: (O / C) / (E / C_E), where C = the start
-- fees of the window's participants + the SUSTAINED_26W fees of the counted
-- outcomes, and C_E = the same start fees + the sum over the window's
-- participants of their SUSTAINED_26W fee x their benchmark rate (what the
-- national system would have been paid for the same people). A unit that
-- achieves its expected outcomes at its expected cost scores 1.00 whatever
-- its mix of people and tariffs. A participant without a fee contributes 0.
-- Ratios are null where a denominator is 0, and rounded to 6 places.
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

window_participants as (
    select * from {{ ref('int_benchmark__participant_rates') }}
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
        referral_quarter_index,
        sustained_outcome,
        benchmark_rate,
        start_fee_gbp,
        sustained_26w_fee_gbp
    from window_participants
    union all
    select
        'PRIME' as rated_unit_type,
        prime_ukprn as rated_unit_id,
        rating_quarter_index,
        referral_quarter_index,
        sustained_outcome,
        benchmark_rate,
        start_fee_gbp,
        sustained_26w_fee_gbp
    from window_participants
),

totals as (
    select
        rated_unit_type,
        rated_unit_id,
        rating_quarter_index,
        count(*) as referrals_in_window,
        count(distinct referral_quarter_index) as cohorts_in_window,
        sum(sustained_outcome) as actual_outcomes,
        sum(benchmark_rate) as expected_outcomes,
        sum(coalesce(start_fee_gbp, 0)) as start_fees_gbp,
        sum(sustained_outcome * coalesce(sustained_26w_fee_gbp, 0)) as outcome_fees_gbp,
        sum(benchmark_rate * coalesce(sustained_26w_fee_gbp, 0)) as expected_outcome_fees_gbp
    from unit_participants
    group by rated_unit_type, rated_unit_id, rating_quarter_index
),

measured as (
    select
        rated_units.rated_unit_type,
        rated_units.rated_unit_id,
        rated_units.prime_ukprn,
        rated_units.rating_quarter_index,
        rated_units.rating_quarter,
        rated_units.as_of_date,
        coalesce(totals.referrals_in_window, 0) as referrals_in_window,
        coalesce(totals.cohorts_in_window, 0) as cohorts_in_window,
        coalesce(totals.actual_outcomes, 0) as actual_outcomes,
        coalesce(totals.expected_outcomes, 0) as expected_outcomes,
        coalesce(totals.start_fees_gbp, 0) as start_fees_gbp,
        coalesce(totals.outcome_fees_gbp, 0) as outcome_fees_gbp,
        coalesce(totals.expected_outcome_fees_gbp, 0) as expected_outcome_fees_gbp
    from rated_units
    left join totals
        on rated_units.rated_unit_type = totals.rated_unit_type
        and rated_units.rated_unit_id = totals.rated_unit_id
        and rated_units.rating_quarter_index = totals.rating_quarter_index
),

costed as (
    select
        measured.*,
        measured.start_fees_gbp + measured.outcome_fees_gbp as cost_gbp,
        measured.start_fees_gbp + measured.expected_outcome_fees_gbp as expected_cost_gbp
    from measured
)

select
    rated_unit_type,
    rated_unit_id,
    prime_ukprn,
    rating_quarter_index,
    rating_quarter,
    as_of_date,
    cast(referrals_in_window as bigint) as referrals_in_window,
    cast(cohorts_in_window as int) as cohorts_in_window,
    cast(actual_outcomes as bigint) as actual_outcomes,
    cast(expected_outcomes as double) as expected_outcomes,
    cast(start_fees_gbp as double) as start_fees_gbp,
    cast(cost_gbp as double) as cost_gbp,
    cast(expected_cost_gbp as double) as expected_cost_gbp,
    cast(round(actual_outcomes / nullif(expected_outcomes, 0), 6) as double) as outcomes_ratio,
    cast(
        round(
            (actual_outcomes / nullif(cost_gbp, 0))
            / nullif(expected_outcomes / nullif(expected_cost_gbp, 0), 0),
            6
        ) as double
    ) as value_for_money_ratio
from costed
