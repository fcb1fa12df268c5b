-- The open-data release's national_summary table, unrounded: for every release
-- period (rating quarter), the contracts the release covers totalled by the
-- nation of their package area and by customer group, with ALL rows for every
-- nation and every customer group together: referrals, starts and outcomes
-- over the rating window's cohorts, and the payments falling due to primes in
-- the period itself (start fees by start_date, fees of VERIFIED claims by
-- payment_due_on, as mart_contract_review counts them). After the published
-- columns, the number of payments a money total is made of (for disclosure
-- control; never published).
-- Not for: rounding, suppression, rates or symbols (publish/); every total is
-- summed here from true values, never from rounded rows.
with

coverage as (
    select release_period, release_period_start, release_period_end, contract_id
    from {{ ref('int_release__coverage') }}
),

contracts as (
    select contract_id, cpa_id from {{ ref('stg_lake__contracts') }}
),

areas as (
    select cpa_id, nation from {{ ref('stg_lake__contract_package_areas') }}
),

windows as (
    select rating_quarter, cohort_quarter from {{ ref('int_rating_windows') }}
),

group_cohorts as (
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

participants as (
    select contract_id, customer_group, start_date, start_fee_gbp
    from {{ ref('fct_participants') }}
    where start_fee_gbp is not null
),

claims as (
    select contract_id, customer_group, payment_due_on, payable_fee_gbp
    from {{ ref('fct_outcome_claims') }}
    where verification_status = 'VERIFIED' and payable_fee_gbp is not null
),

contract_nations as (
    select
        coverage.release_period,
        coverage.release_period_start,
        coverage.release_period_end,
        coverage.contract_id,
        areas.nation
    from coverage
    inner join contracts
        on coverage.contract_id = contracts.contract_id
    left join areas
        on contracts.cpa_id = areas.cpa_id
),

-- one stream of everything a cell totals: the window's cohorts and the period's fees
figures as (
    select
        contract_nations.release_period,
        contract_nations.nation,
        group_cohorts.customer_group,
        group_cohorts.referrals,
        group_cohorts.starts,
        group_cohorts.job_outcomes,
        group_cohorts.sustained_26w_outcomes,
        cast(0 as double) as fee_gbp,
        0 as payment
    from group_cohorts
    inner join windows
        on group_cohorts.referral_quarter = windows.cohort_quarter
    inner join contract_nations
        on
            group_cohorts.contract_id = contract_nations.contract_id
            and windows.rating_quarter = contract_nations.release_period

    union all

    select
        contract_nations.release_period,
        contract_nations.nation,
        participants.customer_group,
        0 as referrals,
        0 as starts,
        0 as job_outcomes,
        0 as sustained_26w_outcomes,
        participants.start_fee_gbp as fee_gbp,
        1 as payment
    from participants
    inner join contract_nations
        on participants.contract_id = contract_nations.contract_id
    where
        participants.start_date between contract_nations.release_period_start
        and contract_nations.release_period_end

    union all

    select
        contract_nations.release_period,
        contract_nations.nation,
        claims.customer_group,
        0 as referrals,
        0 as starts,
        0 as job_outcomes,
        0 as sustained_26w_outcomes,
        claims.payable_fee_gbp as fee_gbp,
        1 as payment
    from claims
    inner join contract_nations
        on claims.contract_id = contract_nations.contract_id
    where
        claims.payment_due_on between contract_nations.release_period_start
        and contract_nations.release_period_end
),

totals as (
    select
        release_period,
        -- grouping(), not coalesce: a contract without a known nation must not join the total row
        case when grouping(nation) = 1 then 'ALL' else nation end as nation,
        case when grouping(customer_group) = 1 then 'ALL' else customer_group end as customer_group,
        sum(referrals) as referrals,
        sum(starts) as starts,
        sum(job_outcomes) as job_outcomes,
        sum(sustained_26w_outcomes) as sustained_26w_outcomes,
        sum(fee_gbp) as payments_made_gbp,
        sum(payment) as payments
    from figures
    group by grouping sets (
        (release_period, nation, customer_group),
        (release_period, nation),
        (release_period, customer_group),
        (release_period)
    )
)

select
    cast(release_period as {{ dbt.type_string() }}) as period,
    cast(nation as {{ dbt.type_string() }}) as nation,
    -- the GSS codes of the nations, and of the United Kingdom for the total
    cast(case nation
        when 'ALL' then 'K02000001'
        when 'ENGLAND' then 'E92000001'
        when 'SCOTLAND' then 'S92000003'
        when 'WALES' then 'W92000004'
    end as {{ dbt.type_string() }}) as nation_gss_code,
    cast(customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(referrals as bigint) as referrals,
    cast(starts as bigint) as starts,
    cast(job_outcomes as bigint) as job_outcomes,
    cast(sustained_26w_outcomes as bigint) as sustained_26w_outcomes,
    cast(payments_made_gbp as double) as payments_made_gbp,
    -- not published: how many payments the money total is made of
    cast(payments as bigint) as payments
from totals
