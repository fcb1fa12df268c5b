-- One row per current outcome claim (ukprn, claim_id) with its verification
-- status and, when VERIFIED, the fee payable, the date the evidence completed
-- and the date the fee falls due; the prime's and the delivery provider's
-- names beside their UKPRNs.
with

claims as (
    select * from {{ ref('int_outcome_claims__payable') }}
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
)

select
    cast(claims.ukprn as {{ dbt.type_string() }}) as ukprn,
    cast(claims.claim_id as {{ dbt.type_string() }}) as claim_id,
    cast(claims.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(claims.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(primes.provider_name as {{ dbt.type_string() }}) as prime_name,
    cast(claims.programme as {{ dbt.type_string() }}) as programme,
    cast(claims.participant_ref as {{ dbt.type_string() }}) as participant_ref,
    cast(claims.person_key as {{ dbt.type_string() }}) as person_key,
    cast(claims.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(claims.delivery_ukprn as {{ dbt.type_string() }}) as delivery_ukprn,
    cast(deliverers.provider_name as {{ dbt.type_string() }}) as delivery_name,
    cast(claims.outcome_type as {{ dbt.type_string() }}) as outcome_type,
    cast(claims.claim_status as {{ dbt.type_string() }}) as claim_status,
    cast(claims.job_start_date as date) as job_start_date,
    cast(claims.claim_date as date) as claim_date,
    cast(claims.hours_per_week as double) as hours_per_week,
    cast(claims.employer_paye_ref as {{ dbt.type_string() }}) as employer_paye_ref,
    cast(claims.referral_date as date) as referral_date,
    cast(claims.evidence_spell_start as date) as evidence_spell_start,
    cast(claims.window_start as date) as window_start,
    cast(claims.window_end as date) as window_end,
    cast(claims.days_required as int) as days_required,
    cast(claims.days_in_work as int) as days_in_work,
    cast(claims.verification_status as {{ dbt.type_string() }}) as verification_status,
    cast(claims.verified_on as date) as verified_on,
    cast(claims.payable_fee_gbp as double) as payable_fee_gbp,
    cast(claims.payment_due_on as date) as payment_due_on,
    cast(claims.period as {{ dbt.type_string() }}) as period,
    cast(claims.submission_id as {{ dbt.type_string() }}) as submission_id
from claims
left join providers as primes
    on claims.prime_ukprn = primes.ukprn
left join providers as deliverers
    on claims.delivery_ukprn = deliverers.ukprn

