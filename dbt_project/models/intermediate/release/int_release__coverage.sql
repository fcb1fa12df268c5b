-- Which contracts the open-data release of each quarter covers, decided once
-- so that every published table (the pub_ models) covers the same contracts.
-- A release can be prepared for every rating quarter. It covers a contract
-- that started by the end of the quarter and whose end date is no earlier than
-- recently_ended_months (release_coverage seed) before the quarter began: live
-- contracts, contracts terminated early whose planned end is still ahead, and
-- contracts that ended within that time.
-- Not for: figures of any kind (the pub_ models) or disclosure control (publish/).
with

release_periods as (
    select distinct rating_quarter from {{ ref('mart_star_ratings') }}
),

quarters as (
    select period, quarter_start, quarter_end from {{ ref('int_quarters') }}
),

coverage_rule as (
    select recently_ended_months from {{ ref('release_coverage') }}
),

contracts as (
    select contract_id, start_date, end_date from {{ ref('stg_lake__contracts') }}
),

release_quarters as (
    select
        release_periods.rating_quarter as release_period,
        quarters.quarter_start,
        quarters.quarter_end,
        -- the earliest end date a covered contract may have
        {{ add_months('-1 * coverage_rule.recently_ended_months', 'quarters.quarter_start') }} as ended_no_earlier_than
    from release_periods
    inner join quarters
        on release_periods.rating_quarter = quarters.period
    cross join coverage_rule
)

select
    cast(release_quarters.release_period as {{ dbt.type_string() }}) as release_period,
    cast(release_quarters.quarter_start as date) as release_period_start,
    cast(release_quarters.quarter_end as date) as release_period_end,
    cast(contracts.contract_id as {{ dbt.type_string() }}) as contract_id
from release_quarters
inner join contracts
    on release_quarters.quarter_end >= contracts.start_date
    and (contracts.end_date is null or release_quarters.ended_no_earlier_than <= contracts.end_date)
