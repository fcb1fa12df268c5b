-- Days in work inside each window: the merged runs of the spells that started
-- on or after the window's referral date, intersected with the window and
-- with the days up to the extract date (the evidence knows no later day),
-- summed; and the day the count reached the requirement. Interval arithmetic
-- on runs, never a calendar of days, so it scales with spells rather than
-- with days.
with

windows as (
    select person_key, referral_date, window_start, window_end, days_required
    from {{ ref('int_employment__windows') }}
),

islands as (
    select person_key, referral_date, island_start, island_end
    from {{ ref('int_employment_spells__merged') }}
),

extract_date as (
    select extract_date from {{ ref('int_employment__extract') }}
),

intersections as (
    select
        windows.person_key,
        windows.referral_date,
        windows.window_start,
        windows.window_end,
        windows.days_required,
        greatest(islands.island_start, windows.window_start) as covered_from,
        least(islands.island_end, windows.window_end, extract_date.extract_date) as covered_to
    from windows
    cross join extract_date
    inner join islands
        on windows.person_key = islands.person_key
        and windows.referral_date = islands.referral_date
        and windows.window_start <= islands.island_end
        and windows.window_end >= islands.island_start
        and extract_date.extract_date >= islands.island_start
        and windows.window_start <= extract_date.extract_date
),

measured as (
    select
        *,
        {{ dbt.datediff('covered_from', 'covered_to', 'day') }} + 1 as covered_days
    from intersections
),

accumulated as (
    select
        *,
        sum(covered_days) over (
            partition by person_key, referral_date, window_start, window_end, days_required
            order by covered_from
            rows between unbounded preceding and current row
        ) as days_so_far
    from measured
),

totals as (
    select
        person_key,
        referral_date,
        window_start,
        window_end,
        days_required,
        sum(covered_days) as days_in_work,
        -- the run in which the running total first reaches the requirement,
        -- and the day inside it: the days still needed when the run began
        min(
            case
                when days_so_far >= days_required
                    then {{ add_days('days_required - (days_so_far - covered_days) - 1', 'covered_from') }}
            end
        ) as requirement_met_on
    from accumulated
    group by person_key, referral_date, window_start, window_end, days_required
)

select
    windows.person_key,
    windows.referral_date,
    windows.window_start,
    windows.window_end,
    windows.days_required,
    cast(coalesce(totals.days_in_work, 0) as int) as days_in_work,
    totals.requirement_met_on
from windows
left join totals
    on windows.person_key = totals.person_key
    and windows.referral_date = totals.referral_date
    and windows.window_start = totals.window_start
    and windows.window_end = totals.window_end
    and windows.days_required = totals.days_required
