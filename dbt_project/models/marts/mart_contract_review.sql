-- One row per contract x quarter, from the contract's start quarter to the
-- extract quarter: performance management.
--   * The actual sustained rate of the rating window's mature cohorts against
--     the minimum performance level, weighted by the contract's customer-group
--     mix. A participant whose programme x customer_group has no minimum level
--     is left out of both the rate and the weighting, and counted in
--     participants_without_mpl.
--   * below_mpl; at_risk when below the minimum level in two consecutive
--     complete quarters (last day + claim_grace_days on or before the extract
--     date): a quarter after the last complete one is never at risk.
--   * Payments falling due in the quarter: start fees by start date, outcome
--     fees by payment_due_on (the later of claim date and verified_on).
--   * Unclaimed sustained outcomes by the quarter of requirement_met_on, and
--     their share of every outcome the evidence shows met in that quarter;
--     both null until the quarter's claiming grace has run out against the
--     contract's cut-off.
with

contracts as (
    select contract_id, programme, prime_ukprn, start_date from {{ ref('stg_lake__contracts') }}
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
),

quarters as (
    select quarter_index, period from {{ ref('int_quarters') }}
),

extract_date as (
    select extract_quarter_index, last_complete_quarter_index from {{ ref('int_employment__extract') }}
),

window_participants as (
    select rating_quarter_index, contract_id, programme, customer_group, referral_date, sustained_outcome
    from {{ ref('int_rating_window__participants') }}
),

performance_levels as (
    select programme, customer_group, minimum_sustained_rate
    from {{ ref('stg_lake__performance_levels') }}
    where minimum_sustained_rate is not null
),

participants as (
    select contract_id, start_date, start_fee_gbp from {{ ref('int_participants__classified') }}
),

claims as (
    select contract_id, outcome_type, verification_status, verified_on, payment_due_on, payable_fee_gbp
    from {{ ref('int_outcome_claims__payable') }}
),

sustained_types as (
    select outcome_type from {{ ref('outcome_rules') }} where window_days is not null
),

unclaimed as (
    select
        contract_id,
        quarter_index,
        evidenced_sustained_outcomes,
        unclaimed_sustained_outcomes,
        unclaimed_share
    from {{ ref('int_unclaimed_outcomes__quarters') }}
),

review_quarters as (
    select
        contracts.contract_id,
        contracts.programme,
        contracts.prime_ukprn,
        quarters.quarter_index,
        quarters.period,
        quarters.quarter_index <= extract_date.last_complete_quarter_index as is_complete_quarter
    from contracts
    cross join extract_date
    inner join quarters
        on quarters.quarter_index between {{ quarter_index('contracts.start_date') }} and extract_date.extract_quarter_index
),

window_performance as (
    select
        window_participants.contract_id,
        window_participants.rating_quarter_index,
        -- the window's cohort quarters in which the contract has a referral
        count(distinct {{ quarter_index('window_participants.referral_date') }}) as cohorts_in_window,
        count(*) as referrals_in_window,
        sum(window_participants.sustained_outcome) as sustained_outcomes_in_window,
        sum(case when performance_levels.minimum_sustained_rate is not null then 1 else 0 end)
            as participants_with_mpl,
        sum(case when performance_levels.minimum_sustained_rate is null then 1 else 0 end)
            as participants_without_mpl,
        sum(
            case
                when performance_levels.minimum_sustained_rate is not null
                    then window_participants.sustained_outcome
                else 0
            end
        ) as sustained_outcomes_with_mpl,
        -- the mix weighting: each participant with a minimum brings their group's
        avg(performance_levels.minimum_sustained_rate) as minimum_performance_level
    from window_participants
    left join performance_levels
        on window_participants.programme = performance_levels.programme
        and window_participants.customer_group = performance_levels.customer_group
    group by window_participants.contract_id, window_participants.rating_quarter_index
),

start_fees as (
    select
        contract_id,
        {{ quarter_index('start_date') }} as quarter_index,
        sum(start_fee_gbp) as start_fees_due_gbp
    from participants
    where start_date is not null
    group by contract_id, {{ quarter_index('start_date') }}
),

outcome_fees as (
    select
        contract_id,
        {{ quarter_index('payment_due_on') }} as quarter_index,
        sum(payable_fee_gbp) as outcome_fees_due_gbp
    from claims
    where verification_status = 'VERIFIED'
    group by contract_id, {{ quarter_index('payment_due_on') }}
),

verified_sustained as (
    select
        claims.contract_id,
        {{ quarter_index('claims.verified_on') }} as quarter_index,
        count(*) as verified_sustained_outcomes
    from claims
    inner join sustained_types
        on claims.outcome_type = sustained_types.outcome_type
    where claims.verification_status = 'VERIFIED'
    group by claims.contract_id, {{ quarter_index('claims.verified_on') }}
),

reviewed as (
    select
        review_quarters.contract_id,
        review_quarters.prime_ukprn,
        review_quarters.programme,
        review_quarters.quarter_index,
        review_quarters.period,
        review_quarters.is_complete_quarter,
        coalesce(window_performance.cohorts_in_window, 0) as cohorts_in_window,
        coalesce(window_performance.referrals_in_window, 0) as referrals_in_window,
        coalesce(window_performance.sustained_outcomes_in_window, 0) as sustained_outcomes_in_window,
        coalesce(window_performance.participants_without_mpl, 0) as participants_without_mpl,
        window_performance.sustained_outcomes_with_mpl
            / nullif(cast(window_performance.participants_with_mpl as double), 0) as actual_sustained_rate,
        window_performance.minimum_performance_level,
        coalesce(start_fees.start_fees_due_gbp, 0) as start_fees_due_gbp,
        coalesce(outcome_fees.outcome_fees_due_gbp, 0) as outcome_fees_due_gbp,
        coalesce(verified_sustained.verified_sustained_outcomes, 0) as verified_sustained_outcomes,
        coalesce(unclaimed.evidenced_sustained_outcomes, 0) as evidenced_sustained_outcomes,
        unclaimed.unclaimed_sustained_outcomes,
        unclaimed.unclaimed_share
    from review_quarters
    left join window_performance
        on review_quarters.contract_id = window_performance.contract_id
        and review_quarters.quarter_index = window_performance.rating_quarter_index
    left join start_fees
        on review_quarters.contract_id = start_fees.contract_id
        and review_quarters.quarter_index = start_fees.quarter_index
    left join outcome_fees
        on review_quarters.contract_id = outcome_fees.contract_id
        and review_quarters.quarter_index = outcome_fees.quarter_index
    left join verified_sustained
        on review_quarters.contract_id = verified_sustained.contract_id
        and review_quarters.quarter_index = verified_sustained.quarter_index
    left join unclaimed
        on review_quarters.contract_id = unclaimed.contract_id
        and review_quarters.quarter_index = unclaimed.quarter_index
),

flagged as (
    select
        *,
        case
            when actual_sustained_rate is null or minimum_performance_level is null then null
            else actual_sustained_rate < minimum_performance_level
        end as below_mpl
    from reviewed
)

select
    cast(flagged.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(flagged.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(providers.provider_name as {{ dbt.type_string() }}) as prime_name,
    cast(flagged.programme as {{ dbt.type_string() }}) as programme,
    cast(flagged.period as {{ dbt.type_string() }}) as period,
    flagged.is_complete_quarter,
    cast(flagged.cohorts_in_window as bigint) as cohorts_in_window,
    cast(flagged.referrals_in_window as bigint) as referrals_in_window,
    cast(flagged.sustained_outcomes_in_window as bigint) as sustained_outcomes_in_window,
    cast(flagged.participants_without_mpl as bigint) as participants_without_mpl,
    cast(flagged.actual_sustained_rate as double) as actual_sustained_rate,
    cast(flagged.minimum_performance_level as double) as minimum_performance_level,
    flagged.below_mpl,
    -- two consecutive complete quarters below the minimum (the previous one is
    -- complete whenever this one is)
    coalesce(flagged.is_complete_quarter and flagged.below_mpl and previous.below_mpl, false) as at_risk,
    cast(flagged.start_fees_due_gbp as double) as start_fees_due_gbp,
    cast(flagged.outcome_fees_due_gbp as double) as outcome_fees_due_gbp,
    cast(flagged.start_fees_due_gbp + flagged.outcome_fees_due_gbp as double) as payments_due_gbp,
    cast(flagged.verified_sustained_outcomes as bigint) as verified_sustained_outcomes,
    cast(flagged.evidenced_sustained_outcomes as bigint) as evidenced_sustained_outcomes,
    cast(flagged.unclaimed_sustained_outcomes as bigint) as unclaimed_sustained_outcomes,
    cast(flagged.unclaimed_share as double) as unclaimed_share
from flagged
left join flagged as previous
    on flagged.contract_id = previous.contract_id
    and flagged.quarter_index = previous.quarter_index + 1
left join providers
    on flagged.prime_ukprn = providers.ukprn
