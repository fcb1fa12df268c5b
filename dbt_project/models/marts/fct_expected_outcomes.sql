-- One row per contract x rating quarter: the participants of the rating
-- window, their actual counted SUSTAINED_26W outcomes, the outcomes expected
-- from the national benchmark rates of their cells (indirect
-- standardisation, spec §3), and the like-for-like index = actual / expected.
with

participants as (
    select * from {{ ref('int_benchmark__participant_rates') }}
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
)

select
    cast(contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(rating_quarter as {{ dbt.type_string() }}) as rating_quarter,
    cast(participants as bigint) as participants,
    cast(actual_outcomes as bigint) as actual_outcomes,
    cast(expected_outcomes as double) as expected_outcomes,
    cast(actual_outcomes / nullif(expected_outcomes, 0) as double) as like_for_like_index,
    cast(participants_in_fallback_cells as bigint) as participants_in_fallback_cells
from contracts
