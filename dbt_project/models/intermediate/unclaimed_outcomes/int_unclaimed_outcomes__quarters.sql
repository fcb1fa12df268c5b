-- Unclaimed sustained outcomes per contract and quarter (the quarter of
-- requirement_met_on): how many outcomes the evidence shows met in the
-- quarter, claimed or not, and how many of them are UNCLAIMED, with their
-- share (one population, one date). A quarter's claims may still come until
-- its last day + claim_grace_days; while that is after the contract's cut-off
-- the count and the share are null, not a low figure that later rises.
with

contracts as (
    select contract_id from {{ ref('stg_lake__contracts') }}
),

quarters as (
    select quarter_index, period, quarter_end from {{ ref('int_quarters') }}
),

extract_date as (
    select extract_quarter_index from {{ ref('int_employment__extract') }}
),

parameters as (
    select claim_grace_days from {{ ref('int_measure_parameters') }}
),

cut_offs as (
    select contract_id, cut_off from {{ ref('int_unclaimed_outcomes__cut_offs') }}
),

met as (
    select
        contract_id,
        met_quarter_index,
        count(*) as evidenced_outcomes,
        sum(case when claim_state = 'UNCLAIMED' then 1 else 0 end) as unclaimed_outcomes
    from {{ ref('int_unclaimed_outcomes__met') }}
    group by contract_id, met_quarter_index
),

contract_quarters as (
    select
        contracts.contract_id,
        quarters.quarter_index,
        quarters.period,
        quarters.quarter_end,
        cut_offs.cut_off,
        coalesce(
            {{ add_days('parameters.claim_grace_days', 'quarters.quarter_end') }} <= cut_offs.cut_off,
            false
        ) as is_claiming_closed
    from contracts
    cross join quarters
    cross join extract_date
    cross join parameters
    left join cut_offs
        on contracts.contract_id = cut_offs.contract_id
    where quarters.quarter_index <= extract_date.extract_quarter_index
)

select
    contract_quarters.contract_id,
    cast(contract_quarters.quarter_index as int) as quarter_index,
    contract_quarters.period,
    contract_quarters.quarter_end,
    contract_quarters.cut_off,
    contract_quarters.is_claiming_closed,
    cast(coalesce(met.evidenced_outcomes, 0) as bigint) as evidenced_sustained_outcomes,
    cast(
        case when contract_quarters.is_claiming_closed then coalesce(met.unclaimed_outcomes, 0) end as bigint
    ) as unclaimed_sustained_outcomes,
    cast(
        case
            when contract_quarters.is_claiming_closed
                then coalesce(met.unclaimed_outcomes, 0) / nullif(cast(coalesce(met.evidenced_outcomes, 0) as double), 0)
        end as double
    ) as unclaimed_share
from contract_quarters
left join met
    on contract_quarters.contract_id = met.contract_id
    and contract_quarters.quarter_index = met.met_quarter_index
