-- One row per (contract_id, person_key, outcome_type): a sustained outcome
-- that the employment evidence shows met and that no claim (other than a
-- withdrawn one) of that contract for that person and outcome type covers.
-- Only participants who started, only outcome types with a fee for the
-- participant's customer group, days counted from spells starting on or after
-- the referral. claim_state says whether the claiming grace has run out
-- against the contract's cut-off (UNCLAIMED) or not (NOT_YET_DUE). The row
-- carries the referral whose outcome was met first (on a tie the later one).
-- Not payable; not in the star ratings.
with

met as (
    select * from {{ ref('int_unclaimed_outcomes__met') }}
    where claim_state <> 'CLAIMED'
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
)

select
    cast(met.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(met.person_key as {{ dbt.type_string() }}) as person_key,
    cast(met.outcome_type as {{ dbt.type_string() }}) as outcome_type,
    cast(met.ukprn as {{ dbt.type_string() }}) as ukprn,
    cast(met.participant_ref as {{ dbt.type_string() }}) as participant_ref,
    cast(met.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(providers.provider_name as {{ dbt.type_string() }}) as prime_name,
    cast(met.programme as {{ dbt.type_string() }}) as programme,
    cast(met.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(met.referral_date as date) as referral_date,
    cast(met.start_date as date) as start_date,
    cast(met.evidence_job_start as date) as evidence_job_start,
    cast(met.window_end as date) as window_end,
    cast(met.days_required as int) as days_required,
    cast(met.days_in_work as int) as days_in_work,
    cast(met.requirement_met_on as date) as requirement_met_on,
    cast(met.met_quarter as {{ dbt.type_string() }}) as met_quarter,
    cast(met.fee_gbp as double) as fee_if_claimed_gbp,
    cast(met.claim_due_by as date) as claim_due_by,
    cast(met.cut_off as date) as cut_off,
    cast(met.claim_state as {{ dbt.type_string() }}) as claim_state
from met
left join providers
    on met.prime_ukprn = providers.ukprn
