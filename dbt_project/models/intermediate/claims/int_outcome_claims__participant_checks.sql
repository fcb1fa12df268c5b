-- Verification steps 1-4, which need only the claim and the participant it
-- names: WITHDRAWN, UNKNOWN_PARTICIPANT, CONTRACT_MISMATCH,
-- STARTED_BEFORE_REFERRAL. verification_status stays null for a claim that
-- passes them; later steps fill it in order, so the first match wins.
with

claims as (
    select * from {{ ref('stg_lake__outcome_claims') }}
),

participants as (
    select
        ukprn,
        participant_ref,
        contract_id as participant_contract_id,
        person_key,
        referral_date,
        customer_group
    from {{ ref('stg_lake__participants') }}
),

joined as (
    select
        claims.*,
        participants.participant_ref is not null as is_known_participant,
        participants.participant_contract_id,
        participants.person_key,
        participants.referral_date,
        participants.customer_group
    from claims
    left join participants
        on claims.ukprn = participants.ukprn
        and claims.participant_ref = participants.participant_ref
),

checked as (
    select
        *,
        case
            when claim_status = 'WITHDRAWN' then 'WITHDRAWN'
            when not is_known_participant then 'UNKNOWN_PARTICIPANT'
            when contract_id <> participant_contract_id then 'CONTRACT_MISMATCH'
            when job_start_date < referral_date then 'STARTED_BEFORE_REFERRAL'
        end as verification_status
    from joined
)

select * from checked
