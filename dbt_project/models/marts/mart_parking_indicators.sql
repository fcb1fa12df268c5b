-- One row per contract x rating quarter x group (group_dimension, group_value)
-- for the dimensions customer_group, impairment_group, age_band, sex and
-- ethnicity: the group's like-for-like index over the rating window against
-- the contract's overall index, and parking_risk when the group does much
-- worse than the contract with enough people to tell (spec §6). Columns are a
-- public interface: keep them as they are.
with

participants as (
    select
        contract_id,
        rating_quarter_index,
        rating_quarter,
        customer_group,
        -- people with no impairment group (not disabled) are a group too
        coalesce(impairment_group, 'NONE') as impairment_group,
        age_band,
        sex,
        ethnicity,
        sustained_outcome,
        benchmark_rate
    from {{ ref('int_benchmark__participant_rates') }}
),

parameters as (
    select parking_index_ratio, parking_min_group from {{ ref('int_measure_parameters') }}
),

{% set dimensions = ['customer_group', 'impairment_group', 'age_band', 'sex', 'ethnicity'] %}
groups as (
    {%- for dimension in dimensions %}
    select
        contract_id,
        rating_quarter_index,
        rating_quarter,
        '{{ dimension }}' as group_dimension,
        {{ dimension }} as group_value,
        count(*) as participants,
        sum(sustained_outcome) as actual_outcomes,
        sum(benchmark_rate) as expected_outcomes
    from participants
    group by contract_id, rating_quarter_index, rating_quarter, {{ dimension }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

contracts as (
    select
        contract_id,
        rating_quarter_index,
        sum(sustained_outcome) / nullif(sum(benchmark_rate), 0) as contract_index
    from participants
    group by contract_id, rating_quarter_index
),

indexed as (
    select
        groups.*,
        groups.actual_outcomes / nullif(groups.expected_outcomes, 0) as group_index,
        contracts.contract_index
    from groups
    inner join contracts
        on groups.contract_id = contracts.contract_id
        and groups.rating_quarter_index = contracts.rating_quarter_index
)

select
    cast(indexed.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(indexed.rating_quarter as {{ dbt.type_string() }}) as rating_quarter,
    cast(indexed.group_dimension as {{ dbt.type_string() }}) as group_dimension,
    cast(indexed.group_value as {{ dbt.type_string() }}) as group_value,
    cast(indexed.participants as bigint) as participants,
    cast(indexed.actual_outcomes as bigint) as actual_outcomes,
    cast(indexed.expected_outcomes as double) as expected_outcomes,
    cast(indexed.group_index as double) as group_index,
    cast(indexed.contract_index as double) as contract_index,
    cast(indexed.group_index - indexed.contract_index as double) as index_gap,
    coalesce(
        indexed.participants >= parameters.parking_min_group
        and indexed.group_index < parameters.parking_index_ratio * indexed.contract_index,
        false
    ) as parking_risk
from indexed
cross join parameters
