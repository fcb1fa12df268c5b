-- The evidence job start of each participant (spec §1b): the earliest
-- employment spell of the person starting on or after the referral and, once
-- the participant has left, no later than the leave date plus the evidence
-- matching allowance. Participants without such a spell have no row.
with

participants as (
    select ukprn, participant_ref, person_key, contract_id, referral_date, leave_date
    from {{ ref('stg_lake__participants') }}
),

spells as (
    select person_key, spell_start from {{ ref('stg_lake__employment_spells') }}
),

parameters as (
    select evidence_match_days from {{ ref('int_measure_parameters') }}
),

qualifying_spells as (
    select
        participants.ukprn,
        participants.participant_ref,
        participants.person_key,
        participants.contract_id,
        participants.referral_date,
        spells.spell_start
    from participants
    cross join parameters
    inner join spells
        on participants.person_key = spells.person_key
        and spells.spell_start >= participants.referral_date
        and (
            participants.leave_date is null
            or spells.spell_start <= {{ add_days('parameters.evidence_match_days', 'participants.leave_date') }}
        )
)

select
    ukprn,
    participant_ref,
    person_key,
    contract_id,
    referral_date,
    min(spell_start) as evidence_job_start
from qualifying_spells
group by ukprn, participant_ref, person_key, contract_id, referral_date
