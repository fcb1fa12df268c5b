-- The cut-off against which each contract's outcomes are judged unclaimed:
-- the earlier of the employment evidence's extract date and the last day of
-- the latest outcome_claims period received from the contract's prime. A
-- period counts as received when a return for it was accepted (with or
-- without errors), including a nil return (a header and no rows), so the
-- ledger says it, not the claims. A prime whose return is late is not charged
-- with outcomes it had no chance to claim; a prime that has sent no claims
-- return at all has no cut-off, and none of its outcomes is yet due.
with

contracts as (
    select contract_id, prime_ukprn from {{ ref('stg_lake__contracts') }}
),

returns_received as (
    select
        ukprn,
        max({{ quarter_index_from_label('period') }}) as latest_period_index
    from {{ ref('stg_lake__submissions') }}
    where dataset = 'outcome_claims'
        and kind = 'return'
        and status in ('ACCEPTED', 'ACCEPTED_WITH_ERRORS')
        and period is not null
    group by ukprn
),

extract_date as (
    select extract_date from {{ ref('int_employment__extract') }}
),

latest as (
    select
        contracts.contract_id,
        contracts.prime_ukprn,
        extract_date.extract_date,
        returns_received.latest_period_index,
        case
            when returns_received.latest_period_index is not null
                then {{ quarter_end_from_index('returns_received.latest_period_index') }}
        end as latest_claims_period_end
    from contracts
    cross join extract_date
    left join returns_received
        on contracts.prime_ukprn = returns_received.ukprn
)

select
    contract_id,
    prime_ukprn,
    extract_date,
    case
        when latest_period_index is not null then {{ quarter_label_from_index('latest_period_index') }}
    end as latest_claims_period,
    latest_claims_period_end,
    -- least() skips nulls on both engines, so no return means no cut-off explicitly
    case
        when latest_claims_period_end is not null then least(extract_date, latest_claims_period_end)
    end as cut_off
from latest
