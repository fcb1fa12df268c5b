-- Minimum performance levels, per contract and review quarter: the actual
-- sustained rate of the rating window's mature cohorts against the minimum
-- performance level, weighted by the contract's customer-group mix. A
-- participant whose programme x customer_group has no minimum level is left
-- out of both the rate and the weighting, and counted in
-- participants_without_mpl. below_mpl; at_risk when below the minimum level
-- in two consecutive complete quarters: a quarter after the last complete
-- one is never at risk.
with

review_quarters as (
    select contract_id, quarter_index, is_complete_quarter from {{ ref('int_contract_review__quarters') }}
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

measured as (
    select
        review_quarters.contract_id,
        review_quarters.quarter_index,
        review_quarters.is_complete_quarter,
        coalesce(window_performance.cohorts_in_window, 0) as cohorts_in_window,
        coalesce(window_performance.referrals_in_window, 0) as referrals_in_window,
        coalesce(window_performance.sustained_outcomes_in_window, 0) as sustained_outcomes_in_window,
        coalesce(window_performance.participants_with_mpl, 0) as participants_with_mpl,
        coalesce(window_performance.participants_without_mpl, 0) as participants_without_mpl,
        window_performance.sustained_outcomes_with_mpl
            / nullif(cast(window_performance.participants_with_mpl as double), 0) as actual_sustained_rate,
        window_performance.minimum_performance_level
    from review_quarters
    left join window_performance
        on review_quarters.contract_id = window_performance.contract_id
        and review_quarters.quarter_index = window_performance.rating_quarter_index
),

flagged as (
    select
        *,
        case
            when actual_sustained_rate is null or minimum_performance_level is null then null
            else actual_sustained_rate < minimum_performance_level
        end as below_mpl
    from measured
)

select
    flagged.contract_id,
    flagged.quarter_index,
    cast(flagged.cohorts_in_window as bigint) as cohorts_in_window,
    cast(flagged.referrals_in_window as bigint) as referrals_in_window,
    cast(flagged.sustained_outcomes_in_window as bigint) as sustained_outcomes_in_window,
    cast(flagged.participants_with_mpl as bigint) as participants_with_mpl,
    cast(flagged.participants_without_mpl as bigint) as participants_without_mpl,
    cast(flagged.actual_sustained_rate as double) as actual_sustained_rate,
    cast(flagged.minimum_performance_level as double) as minimum_performance_level,
    flagged.below_mpl,
    -- two consecutive complete quarters below the minimum (the previous one is
    -- complete whenever this one is)
    coalesce(flagged.is_complete_quarter and flagged.below_mpl and previous.below_mpl, false) as at_risk
from flagged
left join flagged as previous
    on flagged.contract_id = previous.contract_id
    and flagged.quarter_index = previous.quarter_index + 1
