-- The date of the employment evidence: days in work are known up to it and no
-- further, so it decides PENDING, maturity and the latest rating quarter.
with

spells as (
    select extract_date from {{ ref('stg_lake__employment_spells') }}
),

latest as (
    select max(extract_date) as extract_date from spells
)

select
    extract_date,
    {{ quarter_label('extract_date') }} as extract_quarter,
    {{ quarter_index('extract_date') }} as extract_quarter_index
from latest
