-- One row per contract x delivery provider x quarter (period) in which the
-- provider referred or started anyone, or has participants in the rating
-- window: starts and their share of the contract's starts in the
-- quarter, the provider's like-for-like index over the rating window ending
-- that quarter, and whether the prime delivers itself. A referral counts in the
-- quarter of its referral_date, a start in that of its start_date. Names stand
-- beside the prime and delivery provider ids.
with

participants as (
    select contract_id, prime_ukprn, delivery_ukprn, referral_date, start_date
    from {{ ref('int_participants__classified') }}
),

window_participants as (
    select contract_id, prime_ukprn, delivery_ukprn, rating_quarter_index, sustained_outcome, benchmark_rate
    from {{ ref('int_benchmark__participant_rates') }}
),

quarters as (
    select quarter_index, period from {{ ref('int_quarters') }}
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
),

referrals as (
    select
        contract_id,
        prime_ukprn,
        delivery_ukprn,
        {{ quarter_index('referral_date') }} as quarter_index,
        count(*) as referrals
    from participants
    group by contract_id, prime_ukprn, delivery_ukprn, {{ quarter_index('referral_date') }}
),

starts as (
    select
        contract_id,
        prime_ukprn,
        delivery_ukprn,
        {{ quarter_index('start_date') }} as quarter_index,
        count(*) as starts
    from participants
    where start_date is not null
    group by contract_id, prime_ukprn, delivery_ukprn, {{ quarter_index('start_date') }}
),

benchmarked as (
    select
        contract_id,
        prime_ukprn,
        delivery_ukprn,
        rating_quarter_index as quarter_index,
        count(*) as participants_in_window,
        sum(sustained_outcome) as actual_outcomes,
        sum(benchmark_rate) as expected_outcomes
    from window_participants
    group by contract_id, prime_ukprn, delivery_ukprn, rating_quarter_index
),

provider_quarters as (
    select contract_id, prime_ukprn, delivery_ukprn, quarter_index from referrals
    union
    select contract_id, prime_ukprn, delivery_ukprn, quarter_index from starts
    union
    select contract_id, prime_ukprn, delivery_ukprn, quarter_index from benchmarked
),

combined as (
    select
        provider_quarters.*,
        coalesce(referrals.referrals, 0) as referrals,
        coalesce(starts.starts, 0) as starts,
        coalesce(benchmarked.participants_in_window, 0) as participants_in_window,
        coalesce(benchmarked.actual_outcomes, 0) as actual_outcomes,
        coalesce(benchmarked.expected_outcomes, 0) as expected_outcomes,
        benchmarked.actual_outcomes / nullif(benchmarked.expected_outcomes, 0) as like_for_like_index
    from provider_quarters
    left join referrals
        on provider_quarters.contract_id = referrals.contract_id
        and provider_quarters.delivery_ukprn = referrals.delivery_ukprn
        and provider_quarters.quarter_index = referrals.quarter_index
    left join starts
        on provider_quarters.contract_id = starts.contract_id
        and provider_quarters.delivery_ukprn = starts.delivery_ukprn
        and provider_quarters.quarter_index = starts.quarter_index
    left join benchmarked
        on provider_quarters.contract_id = benchmarked.contract_id
        and provider_quarters.delivery_ukprn = benchmarked.delivery_ukprn
        and provider_quarters.quarter_index = benchmarked.quarter_index
),

shared as (
    select
        *,
        sum(starts) over (partition by contract_id, quarter_index) as contract_starts
    from combined
)

select
    cast(shared.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(shared.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(primes.provider_name as {{ dbt.type_string() }}) as prime_name,
    cast(shared.delivery_ukprn as {{ dbt.type_string() }}) as delivery_ukprn,
    cast(providers.provider_name as {{ dbt.type_string() }}) as delivery_name,
    cast(providers.provider_name as {{ dbt.type_string() }}) as delivery_provider_name,
    cast(quarters.period as {{ dbt.type_string() }}) as period,
    shared.delivery_ukprn = shared.prime_ukprn as is_prime_delivery,
    cast(shared.referrals as bigint) as referrals,
    cast(shared.starts as bigint) as starts,
    cast(shared.contract_starts as bigint) as contract_starts,
    cast(shared.starts / nullif(cast(shared.contract_starts as double), 0) as double) as share_of_contract_starts,
    cast(shared.participants_in_window as bigint) as participants_in_window,
    cast(shared.actual_outcomes as bigint) as actual_outcomes,
    cast(shared.expected_outcomes as double) as expected_outcomes,
    cast(shared.like_for_like_index as double) as like_for_like_index
from shared
inner join quarters
    on shared.quarter_index = quarters.quarter_index
left join providers
    on shared.delivery_ukprn = providers.ukprn
left join providers as primes
    on shared.prime_ukprn = primes.ukprn
