-- The rated units of every rating quarter, each with the size of its window:
-- every contract from its start for as long as its referrals can still fall
-- in the window, and every prime of those contracts. A contract that ended
-- before the window's first cohort began has no row; one with no referral in
-- the window has a row with no referrals and no cohorts (rated NOT_RATED
-- later). Every domain is judged on these units.
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

unit_participants as (
    select rated_unit_type, rated_unit_id, rating_quarter_index, referral_quarter_index
    from {{ ref('int_star_ratings__unit_participants') }}
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

window_sizes as (
    select
        rated_unit_type,
        rated_unit_id,
        rating_quarter_index,
        count(*) as referrals_in_window,
        count(distinct referral_quarter_index) as cohorts_in_window
    from unit_participants
    group by rated_unit_type, rated_unit_id, rating_quarter_index
)

select
    rated_units.rated_unit_type,
    rated_units.rated_unit_id,
    rated_units.prime_ukprn,
    rated_units.rating_quarter_index,
    rated_units.rating_quarter,
    rated_units.as_of_date,
    cast(coalesce(window_sizes.referrals_in_window, 0) as bigint) as referrals_in_window,
    cast(coalesce(window_sizes.cohorts_in_window, 0) as int) as cohorts_in_window
from rated_units
left join window_sizes
    on rated_units.rated_unit_type = window_sizes.rated_unit_type
    and rated_units.rated_unit_id = window_sizes.rated_unit_id
    and rated_units.rating_quarter_index = window_sizes.rating_quarter_index
