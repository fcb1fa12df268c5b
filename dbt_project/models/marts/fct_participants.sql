-- One row per current participant (ukprn, participant_ref) with contract,
-- area, delivery provider, the characteristics the benchmark uses, dates, and
-- per outcome type the first verified outcome's date (spec §2).
with

participants as (
    select * from {{ ref('int_participants__outcomes') }}
)

select
    cast(ukprn as {{ dbt.type_string() }}) as ukprn,
    cast(participant_ref as {{ dbt.type_string() }}) as participant_ref,
    cast(person_key as {{ dbt.type_string() }}) as person_key,
    cast(contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(programme as {{ dbt.type_string() }}) as programme,
    cast(prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(cpa_id as {{ dbt.type_string() }}) as cpa_id,
    cast(nation as {{ dbt.type_string() }}) as nation,
    cast(delivery_ukprn as {{ dbt.type_string() }}) as delivery_ukprn,
    cast(customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(age_at_referral as int) as age_at_referral,
    cast(age_band as {{ dbt.type_string() }}) as age_band,
    cast(sex as {{ dbt.type_string() }}) as sex,
    cast(ethnicity as {{ dbt.type_string() }}) as ethnicity,
    cast(disability as {{ dbt.type_string() }}) as disability,
    cast(impairment_group as {{ dbt.type_string() }}) as impairment_group,
    cast(la_code as {{ dbt.type_string() }}) as la_code,
    cast(labour_market_band as {{ dbt.type_string() }}) as labour_market_band,
    cast(referral_date as date) as referral_date,
    cast(referral_quarter as {{ dbt.type_string() }}) as referral_quarter,
    cast(start_date as date) as start_date,
    cast(leave_date as date) as leave_date,
    cast(leave_reason as {{ dbt.type_string() }}) as leave_reason,
    cast(start_fee_gbp as double) as start_fee_gbp,
    cast(first_job_outcome_verified_on as date) as first_job_outcome_verified_on,
    cast(first_sustained_26w_verified_on as date) as first_sustained_26w_verified_on,
    cast(first_sustained_78w_verified_on as date) as first_sustained_78w_verified_on
from participants
