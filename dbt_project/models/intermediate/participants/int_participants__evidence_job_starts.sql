-- The evidence job start of each participant who started: the earliest
-- employment spell start of the person on or after the start_date and no
-- later than the earliest of the leave date plus the evidence matching
-- allowance (28 days, once the participant has left) and the start date plus
-- the programme's duration (programme_duration_days, 104 weeks counted from
-- the start). The unclaimed outcomes measure counts days in work from this
-- start. Participants who never started, or without such a spell, have no
-- row.
with

participants as (
    select ukprn, participant_ref, person_key, contract_id, customer_group, referral_date, start_date, leave_date
    from {{ ref('stg_lake__participants') }}
    where start_date is not null
),

spells as (
    select person_key, spell_start from {{ ref('stg_lake__employment_spells') }}
),

parameters as (
    select evidence_match_days, programme_duration_days from {{ ref('int_measure_parameters') }}
),

bounded as (
    select
        participants.*,
        case
            when participants.leave_date is null
                then {{ add_days('parameters.programme_duration_days', 'participants.start_date') }}
            else least(
                {{ add_days('parameters.programme_duration_days', 'participants.start_date') }},
                {{ add_days('parameters.evidence_match_days', 'participants.leave_date') }}
            )
        end as latest_job_start
    from participants
    cross join parameters
),

qualifying_spells as (
    select
        bounded.ukprn,
        bounded.participant_ref,
        min(spells.spell_start) as evidence_job_start
    from bounded
    inner join spells
        on bounded.person_key = spells.person_key
        and spells.spell_start between bounded.start_date and bounded.latest_job_start
    group by bounded.ukprn, bounded.participant_ref
)

select
    bounded.ukprn,
    bounded.participant_ref,
    bounded.person_key,
    bounded.contract_id,
    bounded.customer_group,
    bounded.referral_date,
    bounded.start_date,
    bounded.leave_date,
    bounded.latest_job_start,
    qualifying_spells.evidence_job_start
from bounded
inner join qualifying_spells
    on bounded.ukprn = qualifying_spells.ukprn
    and bounded.participant_ref = qualifying_spells.participant_ref
