-- The open-data release's performance_by_group table, unrounded: for every
-- release period (rating quarter), each covered contract's referrals,
-- sustained outcomes and like-for-like index per characteristic and value of
-- it over the rating window, as the parking indicators have them.
-- Not for: rounding, suppression, rates or symbols (publish/), or the parking
-- flags themselves (mart_parking_indicators).
with

coverage as (
    select release_period, contract_id from {{ ref('int_release__coverage') }}
),

parking as (
    select
        contract_id,
        rating_quarter,
        group_dimension,
        group_value,
        participants,
        actual_outcomes,
        group_index
    from {{ ref('mart_parking_indicators') }}
)

select
    cast(coverage.release_period as {{ dbt.type_string() }}) as period,
    cast(parking.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(parking.group_dimension as {{ dbt.type_string() }}) as group_dimension,
    cast(parking.group_value as {{ dbt.type_string() }}) as group_value,
    cast(parking.participants as bigint) as referrals,
    cast(parking.actual_outcomes as bigint) as sustained_26w_outcomes,
    cast(parking.group_index as double) as like_for_like_index
from coverage
inner join parking
    on
        coverage.contract_id = parking.contract_id
        and coverage.release_period = parking.rating_quarter
