-- Verification step 5 (spec §1), DUPLICATE: among the claims of one person on
-- one contract for one outcome type that are not withdrawn and passed steps
-- 1-4, only the first by claim_date then claim_id can be paid. What happens
-- to that first claim later (no evidence, say) does not matter: a provider who
-- claimed wrongly withdraws it and claims again.
with

claims as (
    select * from {{ ref('int_outcome_claims__participant_checks') }}
),

eligible_in_order as (
    select
        ukprn,
        claim_id,
        row_number() over (
            partition by person_key, contract_id, outcome_type
            order by claim_date, claim_id, ukprn
        ) as position_among_eligible
    from claims
    where verification_status is null
),

checked as (
    select
        claims.* except (verification_status),
        case
            when claims.verification_status is not null then claims.verification_status
            when eligible_in_order.position_among_eligible > 1 then 'DUPLICATE'
        end as verification_status
    from claims
    left join eligible_in_order
        on claims.ukprn = eligible_in_order.ukprn
        and claims.claim_id = eligible_in_order.claim_id
)

select * from checked
