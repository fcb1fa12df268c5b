-- Payments falling due, per contract and review quarter: start fees in the
-- quarter of the participant's start date, outcome fees of VERIFIED claims
-- in the quarter of payment_due_on (the later of claim date and
-- verified_on). The payment statement reconciles with these totals.
with

review_quarters as (
    select contract_id, quarter_index from {{ ref('int_contract_review__quarters') }}
),

participants as (
    select contract_id, start_date, start_fee_gbp from {{ ref('int_participants__classified') }}
),

claims as (
    select contract_id, verification_status, payment_due_on, payable_fee_gbp
    from {{ ref('int_outcome_claims__payable') }}
),

start_fees as (
    select
        contract_id,
        {{ quarter_index('start_date') }} as quarter_index,
        sum(start_fee_gbp) as start_fees_due_gbp
    from participants
    where start_date is not null
    group by contract_id, {{ quarter_index('start_date') }}
),

outcome_fees as (
    select
        contract_id,
        {{ quarter_index('payment_due_on') }} as quarter_index,
        sum(payable_fee_gbp) as outcome_fees_due_gbp
    from claims
    where verification_status = 'VERIFIED'
    group by contract_id, {{ quarter_index('payment_due_on') }}
),

due as (
    select
        review_quarters.contract_id,
        review_quarters.quarter_index,
        coalesce(start_fees.start_fees_due_gbp, 0) as start_fees_due_gbp,
        coalesce(outcome_fees.outcome_fees_due_gbp, 0) as outcome_fees_due_gbp
    from review_quarters
    left join start_fees
        on review_quarters.contract_id = start_fees.contract_id
        and review_quarters.quarter_index = start_fees.quarter_index
    left join outcome_fees
        on review_quarters.contract_id = outcome_fees.contract_id
        and review_quarters.quarter_index = outcome_fees.quarter_index
)

select
    contract_id,
    quarter_index,
    cast(start_fees_due_gbp as double) as start_fees_due_gbp,
    cast(outcome_fees_due_gbp as double) as outcome_fees_due_gbp,
    cast(start_fees_due_gbp + outcome_fees_due_gbp as double) as payments_due_gbp
from due
