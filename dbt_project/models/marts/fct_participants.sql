-- One row per current participant (ukprn, participant_ref) with contract,
-- area, delivery provider, the characteristics the benchmark uses, dates, and
-- per outcome type the first verified outcome's date. Names stand beside the
-- prime, delivery provider and contract package area ids.
with

participants as (
    select * from {{ ref('int_participants__outcomes') }}
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
),

areas as (
    select cpa_id, cpa_name from {{ ref('stg_lake__contract_package_areas') }}
)

select
    cast(participants.ukprn as {{ dbt.type_string() }}) as ukprn,
    cast(participants.participant_ref as {{ dbt.type_string() }}) as participant_ref,
    cast(participants.person_key as {{ dbt.type_string() }}) as person_key,
    cast(participants.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(participants.programme as {{ dbt.type_string() }}) as programme,
    cast(participants.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(primes.provider_name as {{ dbt.type_string() }}) as prime_name,
    cast(participants.cpa_id as {{ dbt.type_string() }}) as cpa_id,
    cast(areas.cpa_name as {{ dbt.type_string() }}) as cpa_name,
    cast(participants.nation as {{ dbt.type_string() }}) as nation,
    cast(participants.delivery_ukprn as {{ dbt.type_string() }}) as delivery_ukprn,
    cast(delivery.provider_name as {{ dbt.type_string() }}) as delivery_name,
    cast(participants.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(participants.age_at_referral as int) as age_at_referral,
    cast(participants.age_band as {{ dbt.type_string() }}) as age_band,
    cast(participants.sex as {{ dbt.type_string() }}) as sex,
    cast(participants.ethnicity as {{ dbt.type_string() }}) as ethnicity,
    cast(participants.disability as {{ dbt.type_string() }}) as disability,
    cast(participants.impairment_group as {{ dbt.type_string() }}) as impairment_group,
    cast(participants.la_code as {{ dbt.type_string() }}) as la_code,
    cast(participants.labour_market_band as {{ dbt.type_string() }}) as labour_market_band,
    cast(participants.referral_date as date) as referral_date,
    cast(participants.referral_quarter as {{ dbt.type_string() }}) as referral_quarter,
    cast(participants.start_date as date) as start_date,
    cast(participants.leave_date as date) as leave_date,
    cast(participants.leave_reason as {{ dbt.type_string() }}) as leave_reason,
    cast(participants.start_fee_gbp as double) as start_fee_gbp,
    cast(participants.first_job_outcome_verified_on as date) as first_job_outcome_verified_on,
    cast(participants.first_sustained_26w_verified_on as date) as first_sustained_26w_verified_on,
    cast(participants.first_sustained_78w_verified_on as date) as first_sustained_78w_verified_on
from participants
left join providers as primes
    on participants.prime_ukprn = primes.ukprn
left join providers as delivery
    on participants.delivery_ukprn = delivery.ukprn
left join areas
    on participants.cpa_id = areas.cpa_id
