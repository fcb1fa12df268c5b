-- The fee each verified claim earns: the payment_rates amount for the
-- contract's programme, the participant's customer group and the outcome
-- type. A fee falls due when the claim is both made and evidenced:
-- payment_due_on is the later of claim_date and verified_on, and every mart
-- that reports money by quarter uses the quarter of that date.
with

claims as (
    select * from {{ ref('int_outcome_claims__employment_checks') }}
),

contracts as (
    select contract_id, programme, prime_ukprn from {{ ref('stg_lake__contracts') }}
),

rates as (
    select programme, customer_group, fee_type, amount_gbp from {{ ref('stg_lake__payment_rates') }}
),

priced as (
    select
        claims.*,
        contracts.programme,
        contracts.prime_ukprn,
        case when claims.verification_status = 'VERIFIED' then rates.amount_gbp end as payable_fee_gbp,
        case
            when claims.verification_status = 'VERIFIED' then greatest(claims.claim_date, claims.verified_on)
        end as payment_due_on
    from claims
    left join contracts
        on claims.contract_id = contracts.contract_id
    left join rates
        on contracts.programme = rates.programme
        and claims.customer_group = rates.customer_group
        and claims.outcome_type = rates.fee_type
)

select * from priced
