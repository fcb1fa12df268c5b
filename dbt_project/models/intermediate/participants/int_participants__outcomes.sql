-- Each current participant with the first verified outcome of each type, the
-- outcome fees earned, and whether the outcomes count for the cohort measures:
-- a job outcome verified within 12 months of referral, a SUSTAINED_26W
-- verified within 18 months (the evidence completed).
with

participants as (
    select * from {{ ref('int_participants__classified') }}
),

verified_claims as (
    -- a verified claim carries its participant's referral date already
    select ukprn, participant_ref, referral_date, outcome_type, verified_on, payable_fee_gbp
    from {{ ref('int_outcome_claims__payable') }}
    where verification_status = 'VERIFIED'
),

parameters as (
    select cohort_maturity_months, job_outcome_months from {{ ref('int_measure_parameters') }}
),

first_outcomes as (
    select
        verified_claims.ukprn,
        verified_claims.participant_ref,
        min(case when verified_claims.outcome_type = 'JOB_OUTCOME' then verified_claims.verified_on end)
            as first_job_outcome_verified_on,
        min(case when verified_claims.outcome_type = 'SUSTAINED_26W' then verified_claims.verified_on end)
            as first_sustained_26w_verified_on,
        min(case when verified_claims.outcome_type = 'SUSTAINED_78W' then verified_claims.verified_on end)
            as first_sustained_78w_verified_on,
        min(verified_claims.verified_on) as first_outcome_verified_on,
        sum(
            case
                when verified_claims.verified_on
                    <= {{ add_months('parameters.cohort_maturity_months', 'verified_claims.referral_date') }}
                    then verified_claims.payable_fee_gbp
                else 0
            end
        ) as outcome_fees_in_maturity_gbp
    from verified_claims
    cross join parameters
    group by verified_claims.ukprn, verified_claims.participant_ref
),

combined as (
    select
        participants.*,
        first_outcomes.first_job_outcome_verified_on,
        first_outcomes.first_sustained_26w_verified_on,
        first_outcomes.first_sustained_78w_verified_on,
        first_outcomes.first_outcome_verified_on,
        coalesce(participants.start_fee_gbp, 0) + coalesce(first_outcomes.outcome_fees_in_maturity_gbp, 0)
            as cost_in_maturity_gbp,
        coalesce(
            first_outcomes.first_job_outcome_verified_on
                <= {{ add_months('parameters.job_outcome_months', 'participants.referral_date') }},
            false
        ) as is_job_outcome_counted,
        coalesce(
            first_outcomes.first_sustained_26w_verified_on
                <= {{ add_months('parameters.cohort_maturity_months', 'participants.referral_date') }},
            false
        ) as is_sustained_outcome_counted
    from participants
    cross join parameters
    left join first_outcomes
        on participants.ukprn = first_outcomes.ukprn
        and participants.participant_ref = first_outcomes.participant_ref
)

select * from combined
