-- The date of the employment evidence, and the last complete quarter. Days in
-- work are known up to the extract date and no further, so it decides PENDING
-- and maturity. A quarter is complete once its last day plus the claiming
-- grace (claim_grace_days) is on or before the extract date: the claims for
-- its latest outcomes have had time to arrive. Ratings, at_risk and the
-- release's final cohorts stop at the last complete quarter.
with

spells as (
    select extract_date from {{ ref('stg_lake__employment_spells') }}
),

parameters as (
    select claim_grace_days from {{ ref('int_measure_parameters') }}
),

latest as (
    select max(extract_date) as extract_date from spells
),

-- the quarter that holds (extract date - grace) is complete only when that
-- day is its last; otherwise the quarter before it is the last complete one
grace_start as (
    select
        latest.extract_date,
        {{ add_days('-1 * parameters.claim_grace_days', 'latest.extract_date') }} as latest_complete_day
    from latest
    cross join parameters
),

indexed as (
    select
        extract_date,
        {{ quarter_index('latest_complete_day') }} as grace_quarter_index,
        latest_complete_day
    from grace_start
),

completed as (
    select
        extract_date,
        case
            when latest_complete_day = {{ quarter_end_from_index('grace_quarter_index') }} then grace_quarter_index
            else grace_quarter_index - 1
        end as last_complete_quarter_index
    from indexed
)

select
    extract_date,
    {{ quarter_label('extract_date') }} as extract_quarter,
    {{ quarter_index('extract_date') }} as extract_quarter_index,
    cast(last_complete_quarter_index as int) as last_complete_quarter_index,
    {{ quarter_label_from_index('last_complete_quarter_index') }} as last_complete_quarter
from completed
