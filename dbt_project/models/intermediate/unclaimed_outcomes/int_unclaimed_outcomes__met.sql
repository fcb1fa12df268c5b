-- Every sustained outcome the employment evidence shows met, one per
-- (contract_id, person_key, outcome_type), claimed or not: the population of
-- the unclaimed share. When the person has several referrals on the contract,
-- each was judged on its own (int_unclaimed_outcomes__evidenced) and the row
-- takes the referral whose outcome was met first; on a tie the later referral
-- (the one current when the job began), and its participant_ref is the one a
-- claim must use.
--
-- claim_state: CLAIMED when a claim of that outcome type on that contract
-- exists for the same person (any of the person's participant references),
-- whatever its verification status, other than a withdrawn one. Otherwise
-- UNCLAIMED once the claiming grace has run out (requirement_met_on +
-- claim_grace_days on or before the contract's cut-off), NOT_YET_DUE before:
-- claims come in quarterly returns after the outcome.
with

evidenced as (
    select * from {{ ref('int_unclaimed_outcomes__evidenced') }}
    where requirement_met_on is not null
),

first_met as (
    select *
    from evidenced
    qualify row_number() over (
        partition by contract_id, person_key, outcome_type
        order by requirement_met_on asc, referral_date desc, participant_ref desc, ukprn desc
    ) = 1
),

claims as (
    select distinct contract_id, person_key, outcome_type
    from {{ ref('int_outcome_claims__participant_checks') }}
    where claim_status <> 'WITHDRAWN'
        and person_key is not null
),

cut_offs as (
    select contract_id, cut_off from {{ ref('int_unclaimed_outcomes__cut_offs') }}
),

parameters as (
    select claim_grace_days from {{ ref('int_measure_parameters') }}
),

judged as (
    select
        first_met.*,
        {{ quarter_index('first_met.requirement_met_on') }} as met_quarter_index,
        {{ quarter_label('first_met.requirement_met_on') }} as met_quarter,
        {{ add_days('parameters.claim_grace_days', 'first_met.requirement_met_on') }} as claim_due_by,
        cut_offs.cut_off,
        claims.person_key is not null as is_claimed
    from first_met
    cross join parameters
    left join cut_offs
        on first_met.contract_id = cut_offs.contract_id
    left join claims
        on first_met.contract_id = claims.contract_id
        and first_met.person_key = claims.person_key
        and first_met.outcome_type = claims.outcome_type
)

select
    *,
    case
        when is_claimed then 'CLAIMED'
        when cut_off is not null and claim_due_by <= cut_off then 'UNCLAIMED'
        else 'NOT_YET_DUE'
    end as claim_state
from judged
