-- One row per contract x rating quarter (complete quarters only): the
-- participants of the rating window, their actual counted SUSTAINED_26W
-- outcomes, the outcomes expected from the national benchmark rates of their
-- cells (indirect standardisation), the like-for-like index = actual /
-- expected, and its 95% interval by Byar's approximation on the actual count
-- with whether it differs from the national position (1.00).
with

participants as (
    select * from {{ ref('int_benchmark__participant_rates') }}
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
),

contracts as (
    select
        contract_id,
        prime_ukprn,
        rating_quarter_index,
        rating_quarter,
        count(*) as participants,
        sum(sustained_outcome) as actual_outcomes,
        sum(benchmark_rate) as expected_outcomes,
        sum(case when benchmark_level <> 'FULL_CELL' then 1 else 0 end) as participants_in_fallback_cells
    from participants
    group by contract_id, prime_ukprn, rating_quarter_index, rating_quarter
),

intervals as (
    select
        contracts.*,
        {{ byar_lower('actual_outcomes', 'expected_outcomes') }} as outcomes_lower,
        {{ byar_upper('actual_outcomes', 'expected_outcomes') }} as outcomes_upper
    from contracts
)

select
    cast(intervals.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(intervals.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(intervals.rating_quarter as {{ dbt.type_string() }}) as rating_quarter,
    cast(intervals.participants as bigint) as participants,
    cast(intervals.actual_outcomes as bigint) as actual_outcomes,
    cast(intervals.expected_outcomes as double) as expected_outcomes,
    cast(round(intervals.actual_outcomes / nullif(intervals.expected_outcomes, 0), 6) as double)
        as like_for_like_index,
    cast(intervals.participants_in_fallback_cells as bigint) as participants_in_fallback_cells,
    cast(providers.provider_name as {{ dbt.type_string() }}) as prime_name,
    cast(intervals.outcomes_lower as double) as outcomes_lower,
    cast(intervals.outcomes_upper as double) as outcomes_upper,
    cast({{ compared_with_national('intervals.outcomes_lower', 'intervals.outcomes_upper') }} as {{ dbt.type_string() }})
        as compared_with_national
from intervals
left join providers
    on intervals.prime_ukprn = providers.ukprn
