-- Calendar quarters from the earliest referral to the evidence's extract
-- quarter. A spine built from digits, because generate_series/range are not
-- portable between DuckDB and Spark (docs/scale.md); 1,000 numbers cover 250 years.
with

digits as (
    select 0 as digit union all select 1 union all select 2 union all select 3
    union all select 4 union all select 5 union all select 6 union all select 7
    union all select 8 union all select 9
),

numbers as (
    select hundreds.digit * 100 + tens.digit * 10 + units.digit as number
    from digits as units
    cross join digits as tens
    cross join digits as hundreds
),

referrals as (
    select referral_date from {{ ref('stg_lake__participants') }}
),

extract_quarter as (
    select extract_quarter_index from {{ ref('int_employment__extract') }}
),

bounds as (
    select
        min({{ quarter_index('referrals.referral_date') }}) as first_quarter_index,
        greatest(
            max({{ quarter_index('referrals.referral_date') }}),
            max(extract_quarter.extract_quarter_index)
        ) as last_quarter_index
    from referrals
    cross join extract_quarter
),

quarters as (
    select bounds.first_quarter_index + numbers.number as quarter_index
    from numbers
    cross join bounds
    where bounds.first_quarter_index + numbers.number <= bounds.last_quarter_index
)

select
    cast(quarter_index as int) as quarter_index,
    {{ quarter_label_from_index('quarter_index') }} as period,
    {{ quarter_start_from_index('quarter_index') }} as quarter_start,
    {{ quarter_end_from_index('quarter_index') }} as quarter_end
from quarters
