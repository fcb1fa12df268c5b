-- The participants every rated unit is judged on (a view): each window
-- participant once under its contract and once under its contract's prime,
-- which pools its contracts' participants. The units, outcomes and
-- value-for-money models sum them per unit.
{{ config(materialized='view') }}

with

window_participants as (
    select * from {{ ref('int_benchmark__participant_rates') }}
)

select
    'CONTRACT' as rated_unit_type,
    contract_id as rated_unit_id,
    rating_quarter_index,
    referral_quarter_index,
    sustained_outcome,
    benchmark_rate,
    start_fee_gbp,
    sustained_26w_fee_gbp
from window_participants
union all
select
    'PRIME' as rated_unit_type,
    prime_ukprn as rated_unit_id,
    rating_quarter_index,
    referral_quarter_index,
    sustained_outcome,
    benchmark_rate,
    start_fee_gbp,
    sustained_26w_fee_gbp
from window_participants
