-- One row per prime provider holding any contract: its live contracts, their
-- value and referrals as shares of all live contracts', its rank by value, the
-- cumulative value share down to it, and core_provider for the primes that
-- together hold the first 80% of live contract value.
with

contracts as (
    select contract_id, prime_ukprn, status, contract_value_gbp from {{ ref('stg_lake__contracts') }}
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
),

referrals as (
    select contract_id, count(*) as referrals
    from {{ ref('stg_lake__participants') }}
    group by contract_id
),

parameters as (
    select core_provider_value_share from {{ ref('int_measure_parameters') }}
),

primes as (
    select
        contracts.prime_ukprn,
        count(*) as contracts,
        sum(case when contracts.status = 'LIVE' then 1 else 0 end) as live_contracts,
        sum(case when contracts.status = 'LIVE' then contracts.contract_value_gbp else 0 end) as live_contract_value_gbp,
        sum(case when contracts.status = 'LIVE' then coalesce(referrals.referrals, 0) else 0 end) as live_referrals
    from contracts
    left join referrals
        on contracts.contract_id = referrals.contract_id
    group by contracts.prime_ukprn
),

shares as (
    select
        *,
        live_contract_value_gbp / nullif(sum(live_contract_value_gbp) over (), 0) as contract_value_share,
        live_referrals / nullif(cast(sum(live_referrals) over () as double), 0) as referral_share,
        row_number() over (order by live_contract_value_gbp desc, prime_ukprn asc) as value_rank
    from primes
),

cumulative as (
    select
        *,
        sum(contract_value_share) over (
            order by value_rank rows between unbounded preceding and current row
        ) as cumulative_value_share
    from shares
)

select
    cast(cumulative.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(providers.provider_name as {{ dbt.type_string() }}) as prime_name,
    cast(cumulative.contracts as bigint) as contracts,
    cast(cumulative.live_contracts as bigint) as live_contracts,
    cast(cumulative.live_contract_value_gbp as double) as live_contract_value_gbp,
    cast(cumulative.contract_value_share as double) as contract_value_share,
    cast(cumulative.live_referrals as bigint) as live_referrals,
    cast(cumulative.referral_share as double) as referral_share,
    cast(cumulative.value_rank as int) as value_rank,
    cast(cumulative.cumulative_value_share as double) as cumulative_value_share,
    -- in the core while the primes ranked above it hold less than the target
    coalesce(
        cumulative.live_contract_value_gbp > 0
        -- rounded so that float noise in the running sum cannot move the boundary
        and round(cumulative.cumulative_value_share - cumulative.contract_value_share, 9)
            < parameters.core_provider_value_share,
        false
    ) as core_provider
from cumulative
cross join parameters
left join providers
    on cumulative.prime_ukprn = providers.ukprn
