-- Labour-market band of each local authority in each quarter of the spine:
-- the tercile (LOW/MID/HIGH) of its unemployment rate within the national
-- distribution of local-authority rates for that period. A quarter without
-- published figures takes the nearest period's band, preferring the latest
-- earlier one, because labour-market statistics arrive after the referrals.
with

rates as (
    select
        la_code,
        {{ quarter_index_from_label('period') }} as period_index,
        unemployment_rate
    from {{ ref('stg_lake__labour_market') }}
),

ranked as (
    select
        la_code,
        period_index,
        -- cume_dist() in whole numbers: the authorities at or below this rate,
        -- out of all of the period's. Compared as integers, an authority exactly
        -- on a tercile boundary lands in the same band on every engine (1.0 / 3
        -- is a double on DuckDB but a six-place decimal on Spark).
        count(*) over (
            partition by period_index order by unemployment_rate
            range between unbounded preceding and current row
        ) as at_or_below,
        count(*) over (partition by period_index) as authorities
    from rates
),

terciles as (
    select
        la_code,
        period_index,
        case
            when 3 * at_or_below <= authorities then 'LOW'
            when 3 * at_or_below <= 2 * authorities then 'MID'
            else 'HIGH'
        end as labour_market_band
    from ranked
),

quarters as (
    select quarter_index, period from {{ ref('int_quarters') }}
),

nearest as (
    select
        terciles.la_code,
        quarters.quarter_index,
        quarters.period,
        terciles.period_index as band_period_index,
        terciles.labour_market_band
    from terciles
    cross join quarters
    qualify row_number() over (
        partition by terciles.la_code, quarters.quarter_index
        order by
            case when terciles.period_index <= quarters.quarter_index then 0 else 1 end,
            abs(quarters.quarter_index - terciles.period_index)
    ) = 1
)

select
    la_code,
    quarter_index,
    period,
    {{ quarter_label_from_index('band_period_index') }} as band_period,
    labour_market_band
from nearest
