-- The open-data release's contract_performance table, unrounded: for every
-- release period (rating quarter), each contract the release covers
-- (int_release__coverage), who holds it and where, its referral, start and
-- outcome counts summed over the rating window's cohorts, its like-for-like
-- index and star ratings. The published columns come first, named as in the
-- file; after them what disclosure control and the quality gate need but the
-- release never publishes (the index's true counts, the rating status, the
-- payments the warehouse has due to the contract in the period).
-- Not for: rounding, suppression, rates or symbols (publish/, when a release
-- is prepared), and no measure the marts already compute.
with

coverage as (
    select release_period, contract_id from {{ ref('int_release__coverage') }}
),

contracts as (
    select contract_id, programme, prime_ukprn, cpa_id from {{ ref('stg_lake__contracts') }}
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
),

areas as (
    select cpa_id, cpa_name, nation from {{ ref('stg_lake__contract_package_areas') }}
),

windows as (
    select rating_quarter, cohort_quarter from {{ ref('int_rating_windows') }}
),

cohorts as (
    select contract_id, referral_quarter, referrals, starts, job_outcomes, sustained_26w_outcomes
    from {{ ref('fct_cohort_performance') }}
),

window_totals as (
    select
        windows.rating_quarter,
        cohorts.contract_id,
        sum(cohorts.referrals) as referrals,
        sum(cohorts.starts) as starts,
        sum(cohorts.job_outcomes) as job_outcomes,
        sum(cohorts.sustained_26w_outcomes) as sustained_26w_outcomes
    from cohorts
    inner join windows
        on cohorts.referral_quarter = windows.cohort_quarter
    group by windows.rating_quarter, cohorts.contract_id
),

expected as (
    select contract_id, rating_quarter, participants, actual_outcomes, expected_outcomes, like_for_like_index
    from {{ ref('fct_expected_outcomes') }}
),

ratings as (
    select contract_id, rating_quarter, stars, previous_stars, rating_status
    from {{ ref('mart_star_ratings') }}
),

review as (
    select contract_id, period, payments_due_gbp from {{ ref('mart_contract_review') }}
)

select
    cast(coverage.release_period as {{ dbt.type_string() }}) as period,
    cast(contracts.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(contracts.programme as {{ dbt.type_string() }}) as programme,
    cast(contracts.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(providers.provider_name as {{ dbt.type_string() }}) as prime_name,
    cast(contracts.cpa_id as {{ dbt.type_string() }}) as cpa_id,
    cast(areas.cpa_name as {{ dbt.type_string() }}) as cpa_name,
    cast(areas.nation as {{ dbt.type_string() }}) as nation,
    cast(case areas.nation
        when 'ENGLAND' then 'E92000001'
        when 'SCOTLAND' then 'S92000003'
        when 'WALES' then 'W92000004'
    end as {{ dbt.type_string() }}) as nation_gss_code,
    cast(coalesce(window_totals.referrals, 0) as bigint) as referrals,
    cast(coalesce(window_totals.starts, 0) as bigint) as starts,
    cast(coalesce(window_totals.job_outcomes, 0) as bigint) as job_outcomes,
    cast(coalesce(window_totals.sustained_26w_outcomes, 0) as bigint) as sustained_26w_outcomes,
    cast(expected.like_for_like_index as double) as like_for_like_index,
    cast(ratings.stars as int) as star_rating,
    cast(ratings.previous_stars as int) as star_rating_previous,
    -- not published: what disclosure control and the quality gate read
    cast(expected.participants as bigint) as index_people,
    cast(expected.actual_outcomes as bigint) as index_outcomes,
    cast(expected.expected_outcomes as double) as index_expected,
    cast(ratings.rating_status as {{ dbt.type_string() }}) as rating_status,
    cast(review.payments_due_gbp as double) as payments_due_gbp
from coverage
inner join contracts
    on coverage.contract_id = contracts.contract_id
left join providers
    on contracts.prime_ukprn = providers.ukprn
left join areas
    on contracts.cpa_id = areas.cpa_id
left join window_totals
    on
        coverage.contract_id = window_totals.contract_id
        and coverage.release_period = window_totals.rating_quarter
left join expected
    on
        coverage.contract_id = expected.contract_id
        and coverage.release_period = expected.rating_quarter
left join ratings
    on
        coverage.contract_id = ratings.contract_id
        and coverage.release_period = ratings.rating_quarter
left join review
    on
        coverage.contract_id = review.contract_id
        and coverage.release_period = review.period
