-- The open-data release's cohort_performance table, unrounded: the time series.
-- For every release period (rating quarter), every referral cohort (quarter)
-- from the first up to the period, of each contract the release covers, by
-- customer group (every customer group, with zeros where the cohort had
-- nobody of it) and for the whole cohort (customer_group ALL), and the same
-- for all those contracts together (contract_id ALL): referrals, starts, job
-- outcomes within 12 months and sustained outcomes within 18 months of
-- referral, counted so far. cohort_status is FINAL for a cohort that is
-- mature as at the period's end (as old as the rating window's cohorts or
-- older: 18 months have passed since it ended, and the period is complete),
-- PROVISIONAL for a younger one whose outcomes are still to come. After the
-- published columns, whether the cohort is in the period's rating window
-- (the quality gate checks the window's cohorts against contract_performance).
-- Not for: rounding, suppression, rates or symbols (publish/).
with

coverage as (
    select release_period, contract_id from {{ ref('int_release__coverage') }}
),

windows as (
    select rating_quarter, cohort_quarter from {{ ref('int_rating_windows') }}
),

latest_mature as (
    select rating_quarter, max(cohort_quarter) as latest_mature_cohort
    from windows
    group by rating_quarter
),

customer_groups as (
    select code as customer_group
    from {{ ref('dim_code_labels') }}
    where list = 'customer_group'
),

by_group as (
    select
        contract_id,
        referral_quarter,
        customer_group,
        referrals,
        starts,
        job_outcomes,
        sustained_26w_outcomes
    from {{ ref('fct_cohort_performance_by_customer_group') }}
),

-- every covered contract's cohorts up to the release period, by every customer group
cells as (
    select distinct
        coverage.release_period,
        coverage.contract_id,
        by_group.referral_quarter,
        customer_groups.customer_group
    from coverage
    inner join by_group
        on
            coverage.contract_id = by_group.contract_id
            and coverage.release_period >= by_group.referral_quarter
    cross join customer_groups
),

contract_groups as (
    select
        cells.release_period,
        cells.contract_id,
        cells.referral_quarter,
        cells.customer_group,
        coalesce(by_group.referrals, 0) as referrals,
        coalesce(by_group.starts, 0) as starts,
        coalesce(by_group.job_outcomes, 0) as job_outcomes,
        coalesce(by_group.sustained_26w_outcomes, 0) as sustained_26w_outcomes
    from cells
    left join by_group
        on
            cells.contract_id = by_group.contract_id
            and cells.referral_quarter = by_group.referral_quarter
            and cells.customer_group = by_group.customer_group
),

totals as (
    select
        release_period,
        referral_quarter,
        case when grouping(contract_id) = 1 then 'ALL' else contract_id end as contract_id,
        case when grouping(customer_group) = 1 then 'ALL' else customer_group end as customer_group,
        sum(referrals) as referrals,
        sum(starts) as starts,
        sum(job_outcomes) as job_outcomes,
        sum(sustained_26w_outcomes) as sustained_26w_outcomes
    from contract_groups
    group by grouping sets (
        (release_period, referral_quarter, contract_id, customer_group),
        (release_period, referral_quarter, contract_id),
        (release_period, referral_quarter, customer_group),
        (release_period, referral_quarter)
    )
)

select
    cast(totals.release_period as {{ dbt.type_string() }}) as period,
    cast(totals.referral_quarter as {{ dbt.type_string() }}) as referral_quarter,
    cast(totals.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(totals.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(totals.referrals as bigint) as referrals,
    cast(totals.starts as bigint) as starts,
    cast(totals.job_outcomes as bigint) as job_outcomes,
    cast(totals.sustained_26w_outcomes as bigint) as sustained_26w_outcomes,
    cast(
        case
            when totals.referral_quarter <= latest_mature.latest_mature_cohort then 'FINAL'
            else 'PROVISIONAL'
        end as {{ dbt.type_string() }}
    ) as cohort_status,
    -- not published: whether the cohort is one of the period's rating window
    windows.cohort_quarter is not null as in_rating_window
from totals
left join latest_mature
    on totals.release_period = latest_mature.rating_quarter
left join windows
    on
        totals.release_period = windows.rating_quarter
        and totals.referral_quarter = windows.cohort_quarter
