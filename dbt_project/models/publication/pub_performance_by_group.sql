-- The open-data release's performance_by_group table, unrounded: for every
-- release period (rating quarter), each covered contract's referrals,
-- sustained outcomes and like-for-like index per characteristic and value of
-- it over the rating window, as the parking indicators have them. Every value
-- of every characteristic has a row (dim_code_labels lists them, a "none" or
-- "not stated" value included), with zeros where the contract had nobody, so
-- that a characteristic's rows add up to the contract and an empty group is
-- shown rather than left out.
-- Not for: rounding, suppression, rates or symbols (publish/), or the parking
-- flags themselves (mart_parking_indicators).
with

coverage as (
    select release_period, contract_id from {{ ref('int_release__coverage') }}
),

group_values as (
    select list as group_dimension, code as group_value
    from {{ ref('dim_code_labels') }}
    where list in ('customer_group', 'impairment_group', 'age_band', 'sex', 'ethnicity')
),

parking as (
    select
        contract_id,
        rating_quarter,
        group_dimension,
        group_value,
        participants,
        actual_outcomes,
        expected_outcomes,
        group_index
    from {{ ref('mart_parking_indicators') }}
),

cells as (
    select
        coverage.release_period,
        coverage.contract_id,
        group_values.group_dimension,
        group_values.group_value
    from coverage
    cross join group_values
)

select
    cast(cells.release_period as {{ dbt.type_string() }}) as period,
    cast(cells.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(cells.group_dimension as {{ dbt.type_string() }}) as group_dimension,
    cast(cells.group_value as {{ dbt.type_string() }}) as group_value,
    cast(coalesce(parking.participants, 0) as bigint) as referrals,
    cast(coalesce(parking.actual_outcomes, 0) as bigint) as sustained_26w_outcomes,
    cast(parking.group_index as double) as like_for_like_index,
    -- not published: the expected outcomes the index rests on (disclosure control)
    cast(parking.expected_outcomes as double) as index_expected
from cells
left join parking
    on
        cells.contract_id = parking.contract_id
        and cells.release_period = parking.rating_quarter
        and cells.group_dimension = parking.group_dimension
        and cells.group_value = parking.group_value
