-- One row per contract x rating quarter (complete quarters only, over the
-- same window as the star ratings): of the window's participants who started
-- at least long_term_no_outcome_weeks (52) weeks before the quarter's end,
-- those with no VERIFIED outcome of any kind whose job_start_date falls
-- within their first 52 weeks from the start (a job begun between referral
-- and start counts as an outcome too), and their share. The per-contract
-- parking indicator that sits beside mart_parking_indicators.
with

participants as (
    select
        contract_id,
        prime_ukprn,
        rating_quarter_index,
        rating_quarter,
        as_of_date,
        ukprn,
        participant_ref,
        start_date
    from {{ ref('int_rating_window__participants') }}
),

verified_claims as (
    select ukprn, participant_ref, job_start_date
    from {{ ref('int_outcome_claims__payable') }}
    where verification_status = 'VERIFIED'
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
),

parameters as (
    select long_term_no_outcome_weeks from {{ ref('int_measure_parameters') }}
),

bounded as (
    select
        participants.*,
        {{ add_days('7 * parameters.long_term_no_outcome_weeks', 'participants.start_date') }} as long_term_from
    from participants
    cross join parameters
),

-- starters whose first 52 weeks lie wholly before the quarter's end
long_term_starters as (
    select * from bounded
    where start_date is not null and long_term_from <= as_of_date
),

with_outcome as (
    select distinct
        long_term_starters.rating_quarter_index,
        long_term_starters.ukprn,
        long_term_starters.participant_ref
    from long_term_starters
    inner join verified_claims
        on long_term_starters.ukprn = verified_claims.ukprn
        and long_term_starters.participant_ref = verified_claims.participant_ref
        and long_term_starters.long_term_from > verified_claims.job_start_date
),

classified as (
    select
        bounded.contract_id,
        bounded.prime_ukprn,
        bounded.rating_quarter_index,
        bounded.rating_quarter,
        case when long_term_starters.participant_ref is not null then 1 else 0 end as starter_flag,
        case
            when long_term_starters.participant_ref is not null and with_outcome.participant_ref is null then 1
            else 0
        end as no_outcome_flag
    from bounded
    left join long_term_starters
        on bounded.rating_quarter_index = long_term_starters.rating_quarter_index
        and bounded.ukprn = long_term_starters.ukprn
        and bounded.participant_ref = long_term_starters.participant_ref
    left join with_outcome
        on bounded.rating_quarter_index = with_outcome.rating_quarter_index
        and bounded.ukprn = with_outcome.ukprn
        and bounded.participant_ref = with_outcome.participant_ref
),

contracts as (
    select
        contract_id,
        prime_ukprn,
        rating_quarter_index,
        rating_quarter,
        count(*) as participants,
        sum(starter_flag) as long_term_starters,
        sum(no_outcome_flag) as long_term_no_outcome
    from classified
    group by contract_id, prime_ukprn, rating_quarter_index, rating_quarter
)

select
    cast(contracts.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(contracts.rating_quarter as {{ dbt.type_string() }}) as rating_quarter,
    cast(contracts.participants as bigint) as participants,
    cast(contracts.long_term_no_outcome as bigint) as long_term_no_outcome,
    cast(
        contracts.long_term_no_outcome / nullif(cast(contracts.long_term_starters as double), 0) as double
    ) as long_term_no_outcome_share,
    cast(contracts.long_term_starters as bigint) as long_term_starters,
    cast(contracts.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(providers.provider_name as {{ dbt.type_string() }}) as prime_name
from contracts
left join providers
    on contracts.prime_ukprn = providers.ukprn
