-- The unclaimed share, per contract and review quarter: sustained outcomes
-- claimed and VERIFIED in the quarter (by verified_on) beside the evidence's
-- view of the quarter (int_unclaimed_outcomes__quarters, by
-- requirement_met_on): the outcomes the evidence shows met, how many of them
-- are UNCLAIMED and their share; both null until the quarter's claiming
-- grace has run out against the contract's cut-off.
with

review_quarters as (
    select contract_id, quarter_index from {{ ref('int_contract_review__quarters') }}
),

claims as (
    select contract_id, outcome_type, verification_status, verified_on
    from {{ ref('int_outcome_claims__payable') }}
),

sustained_types as (
    select outcome_type from {{ ref('outcome_rules') }} where window_days is not null
),

unclaimed as (
    select
        contract_id,
        quarter_index,
        evidenced_sustained_outcomes,
        unclaimed_sustained_outcomes,
        unclaimed_share
    from {{ ref('int_unclaimed_outcomes__quarters') }}
),

verified_sustained as (
    select
        claims.contract_id,
        {{ quarter_index('claims.verified_on') }} as quarter_index,
        count(*) as verified_sustained_outcomes
    from claims
    inner join sustained_types
        on claims.outcome_type = sustained_types.outcome_type
    where claims.verification_status = 'VERIFIED'
    group by claims.contract_id, {{ quarter_index('claims.verified_on') }}
)

select
    review_quarters.contract_id,
    review_quarters.quarter_index,
    cast(coalesce(verified_sustained.verified_sustained_outcomes, 0) as bigint) as verified_sustained_outcomes,
    cast(coalesce(unclaimed.evidenced_sustained_outcomes, 0) as bigint) as evidenced_sustained_outcomes,
    cast(unclaimed.unclaimed_sustained_outcomes as bigint) as unclaimed_sustained_outcomes,
    cast(unclaimed.unclaimed_share as double) as unclaimed_share
from review_quarters
left join verified_sustained
    on review_quarters.contract_id = verified_sustained.contract_id
    and review_quarters.quarter_index = verified_sustained.quarter_index
left join unclaimed
    on review_quarters.contract_id = unclaimed.contract_id
    and review_quarters.quarter_index = unclaimed.quarter_index
