-- The quarters every contract is reviewed in: one row per contract and
-- quarter from the contract's start quarter to the extract quarter, and
-- whether the quarter is complete (last day + claim_grace_days on or before
-- the extract date, decided once in int_employment__extract). The minimum
-- levels, payments and unclaimed outcomes of the contract review are each
-- given on these rows.
with

contracts as (
    select contract_id, programme, prime_ukprn, start_date from {{ ref('stg_lake__contracts') }}
),

quarters as (
    select quarter_index, period from {{ ref('int_quarters') }}
),

extract_date as (
    select extract_quarter_index, last_complete_quarter_index from {{ ref('int_employment__extract') }}
)

select
    contracts.contract_id,
    contracts.prime_ukprn,
    contracts.programme,
    quarters.quarter_index,
    quarters.period,
    quarters.quarter_index <= extract_date.last_complete_quarter_index as is_complete_quarter
from contracts
cross join extract_date
inner join quarters
    on quarters.quarter_index between {{ quarter_index('contracts.start_date') }} and extract_date.extract_quarter_index
