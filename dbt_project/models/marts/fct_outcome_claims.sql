-- One row per current outcome claim (ukprn, claim_id) with its verification
-- status and, when VERIFIED, the fee payable and the date the evidence
-- completed (spec §1).
with

claims as (
    select * from {{ ref('int_outcome_claims__payable') }}
)

select
    cast(ukprn as {{ dbt.type_string() }}) as ukprn,
    cast(claim_id as {{ dbt.type_string() }}) as claim_id,
    cast(contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(programme as {{ dbt.type_string() }}) as programme,
    cast(participant_ref as {{ dbt.type_string() }}) as participant_ref,
    cast(person_key as {{ dbt.type_string() }}) as person_key,
    cast(customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(delivery_ukprn as {{ dbt.type_string() }}) as delivery_ukprn,
    cast(outcome_type as {{ dbt.type_string() }}) as outcome_type,
    cast(claim_status as {{ dbt.type_string() }}) as claim_status,
    cast(job_start_date as date) as job_start_date,
    cast(claim_date as date) as claim_date,
    cast(hours_per_week as double) as hours_per_week,
    cast(employer_paye_ref as {{ dbt.type_string() }}) as employer_paye_ref,
    cast(referral_date as date) as referral_date,
    cast(evidence_spell_start as date) as evidence_spell_start,
    cast(window_start as date) as window_start,
    cast(window_end as date) as window_end,
    cast(days_required as int) as days_required,
    cast(days_in_work as int) as days_in_work,
    cast(verification_status as {{ dbt.type_string() }}) as verification_status,
    cast(verified_on as date) as verified_on,
    cast(payable_fee_gbp as double) as payable_fee_gbp,
    cast(payment_due_on as date) as payment_due_on,
    cast(period as {{ dbt.type_string() }}) as period,
    cast(submission_id as {{ dbt.type_string() }}) as submission_id
from claims
