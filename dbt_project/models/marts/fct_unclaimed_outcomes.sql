-- One row per (contract_id, person_key, outcome_type): a sustained outcome
-- that the employment evidence shows was met and that no claim (other than a
-- withdrawn one) of that contract for that person and outcome type covers
-- (spec §1b). Not payable; not in the star ratings.
with

evidence_starts as (
    select * from {{ ref('int_participants__evidence_job_starts') }}
),

sustained_rules as (
    select outcome_type, days_required, window_days
    from {{ ref('outcome_rules') }}
    where window_days is not null
),

days_in_window as (
    select person_key, window_start, window_end, days_required, days_in_work, requirement_met_on
    from {{ ref('int_employment__days_in_window') }}
),

participants as (
    select ukprn, participant_ref, person_key, contract_id, referral_date, prime_ukprn
    from {{ ref('int_participants__classified') }}
),

claimed as (
    select distinct contract_id, person_key, outcome_type
    from {{ ref('int_outcome_claims__participant_checks') }}
    where claim_status <> 'WITHDRAWN'
        and person_key is not null
),

met as (
    select
        evidence_starts.contract_id,
        evidence_starts.person_key,
        sustained_rules.outcome_type,
        evidence_starts.evidence_job_start,
        days_in_window.window_end,
        days_in_window.days_required,
        days_in_window.days_in_work,
        days_in_window.requirement_met_on
    from evidence_starts
    cross join sustained_rules
    inner join days_in_window
        on evidence_starts.person_key = days_in_window.person_key
        and evidence_starts.evidence_job_start = days_in_window.window_start
        and sustained_rules.days_required = days_in_window.days_required
        and {{ add_days('sustained_rules.window_days - 1', 'evidence_starts.evidence_job_start') }} = days_in_window.window_end
    where days_in_window.requirement_met_on is not null
),

unclaimed as (
    select met.*
    from met
    left join claimed
        on met.contract_id = claimed.contract_id
        and met.person_key = claimed.person_key
        and met.outcome_type = claimed.outcome_type
    where claimed.person_key is null
    -- a person referred twice to the contract: the earliest time it was met
    qualify row_number() over (
        partition by met.contract_id, met.person_key, met.outcome_type
        order by met.requirement_met_on, met.evidence_job_start
    ) = 1
),

earliest_referrals as (
    select ukprn, participant_ref, person_key, contract_id, prime_ukprn
    from participants
    qualify row_number() over (
        partition by contract_id, person_key
        order by referral_date, participant_ref
    ) = 1
)

select
    cast(unclaimed.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(unclaimed.person_key as {{ dbt.type_string() }}) as person_key,
    cast(unclaimed.outcome_type as {{ dbt.type_string() }}) as outcome_type,
    cast(earliest_referrals.ukprn as {{ dbt.type_string() }}) as ukprn,
    cast(earliest_referrals.participant_ref as {{ dbt.type_string() }}) as participant_ref,
    cast(earliest_referrals.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(unclaimed.evidence_job_start as date) as evidence_job_start,
    cast(unclaimed.window_end as date) as window_end,
    cast(unclaimed.days_required as int) as days_required,
    cast(unclaimed.days_in_work as int) as days_in_work,
    cast(unclaimed.requirement_met_on as date) as requirement_met_on,
    cast({{ quarter_label('unclaimed.requirement_met_on') }} as {{ dbt.type_string() }}) as met_quarter
from unclaimed
inner join earliest_referrals
    on unclaimed.contract_id = earliest_referrals.contract_id
    and unclaimed.person_key = earliest_referrals.person_key
