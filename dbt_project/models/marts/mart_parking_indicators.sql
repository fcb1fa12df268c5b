-- One row per contract x rating quarter (complete quarters only, over the
-- same window as the star ratings) x group (group_dimension, group_value)
-- for the dimensions customer_group, impairment_group, age_band, sex and
-- ethnicity: the group's like-for-like index against the contract's overall
-- index, and parking_risk when the group does much worse than the contract
-- with the evidence to show it is not chance. With lambda = the group's
-- expected outcomes x the contract's overall index (what the group would
-- achieve if served as well as the contract's other people), z_score =
-- (actual - lambda) / sqrt(lambda), null when lambda is 0 or null.
-- parking_risk: group index < parking_index_ratio x contract index, the group
-- has parking_min_group or more participants, and z_score <= parking_z; all
-- compared after rounding to 6 places; false when anything is null. The
-- first twelve columns are a public interface: keep them as they are.
with

participants as (
    select
        contract_id,
        prime_ukprn,
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

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
),

parameters as (
    select parking_index_ratio, parking_min_group, parking_z from {{ ref('int_measure_parameters') }}
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
        prime_ukprn,
        rating_quarter_index,
        sum(sustained_outcome) / nullif(sum(benchmark_rate), 0) as contract_index
    from participants
    group by contract_id, prime_ukprn, rating_quarter_index
),

indexed as (
    select
        groups.*,
        contracts.prime_ukprn,
        groups.actual_outcomes / nullif(groups.expected_outcomes, 0) as group_index,
        contracts.contract_index,
        groups.expected_outcomes * contracts.contract_index as lambda_outcomes
    from groups
    inner join contracts
        on groups.contract_id = contracts.contract_id
        and groups.rating_quarter_index = contracts.rating_quarter_index
),

scored as (
    select
        indexed.*,
        round(indexed.group_index, 6) as group_index_rounded,
        round(indexed.contract_index, 6) as contract_index_rounded,
        -- "+ 0.0" turns the -0.0 that rounding a tiny negative gives into 0.0: the
        -- expected outcomes are a floating-point sum whose last bits depend on how the
        -- engine's threads split it, so a group exactly on expectation came out as 0.0 in
        -- one build and -0.0 in another (and a unit test saw them differ)
        round(
            (indexed.actual_outcomes - indexed.lambda_outcomes) / nullif(sqrt(indexed.lambda_outcomes), 0),
            6
        ) + 0.0 as z_score
    from indexed
)

select
    cast(scored.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(scored.rating_quarter as {{ dbt.type_string() }}) as rating_quarter,
    cast(scored.group_dimension as {{ dbt.type_string() }}) as group_dimension,
    cast(scored.group_value as {{ dbt.type_string() }}) as group_value,
    cast(scored.participants as bigint) as participants,
    cast(scored.actual_outcomes as bigint) as actual_outcomes,
    cast(scored.expected_outcomes as double) as expected_outcomes,
    cast(scored.group_index_rounded as double) as group_index,
    cast(scored.contract_index_rounded as double) as contract_index,
    cast(round(scored.group_index_rounded - scored.contract_index_rounded, 6) as double) as index_gap,
    cast(scored.z_score as double) as z_score,
    coalesce(
        scored.group_index_rounded < round(parameters.parking_index_ratio * scored.contract_index_rounded, 6)
        and scored.participants >= parameters.parking_min_group
        and scored.z_score <= parameters.parking_z,
        false
    ) as parking_risk,
    cast(scored.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(providers.provider_name as {{ dbt.type_string() }}) as prime_name
from scored
cross join parameters
left join providers
    on scored.prime_ukprn = providers.ukprn
