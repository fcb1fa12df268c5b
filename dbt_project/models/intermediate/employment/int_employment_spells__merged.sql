-- Gaps-and-islands: the employment spells (any employer) of a person that
-- start on or after one of the person's referral dates, merged into maximal
-- runs of consecutive days in work. Days in work count only spells starting
-- on or after the participant's referral date (a job held before referral is
-- not an outcome of the programme, even where it continues), so the runs are
-- built once per (person_key, referral_date) that has a window to count.
-- Overlapping spells count a day once, and touching spells (one ends the day
-- before the next starts) become one run. Set-based on purpose: two window
-- passes over the spells, no calendar.
with

referrals as (
    select distinct person_key, referral_date
    from {{ ref('int_employment__windows') }}
),

spells as (
    select
        referrals.person_key,
        referrals.referral_date,
        spells.spell_start,
        spells.spell_end
    from {{ ref('stg_lake__employment_spells') }} as spells
    inner join referrals
        on spells.person_key = referrals.person_key
        and spells.spell_start >= referrals.referral_date
    -- an inverted spell covers no day (flagged by a staging test)
    where spells.spell_end >= spells.spell_start
),

with_coverage_so_far as (
    select
        person_key,
        referral_date,
        spell_start,
        spell_end,
        max(spell_end) over (
            partition by person_key, referral_date
            order by spell_start, spell_end
            rows between unbounded preceding and 1 preceding
        ) as covered_until
    from spells
),

flagged as (
    select
        person_key,
        referral_date,
        spell_start,
        spell_end,
        case
            when covered_until is null then 1
            when spell_start > {{ add_days(1, 'covered_until') }} then 1
            else 0
        end as starts_new_island
    from with_coverage_so_far
),

numbered as (
    select
        person_key,
        referral_date,
        spell_start,
        spell_end,
        sum(starts_new_island) over (
            partition by person_key, referral_date
            order by spell_start, spell_end
            rows between unbounded preceding and current row
        ) as island_number
    from flagged
),

islands as (
    select
        person_key,
        referral_date,
        island_number,
        min(spell_start) as island_start,
        max(spell_end) as island_end,
        count(*) as spells_merged
    from numbered
    group by person_key, referral_date, island_number
)

select
    person_key,
    referral_date,
    cast(island_number as int) as island_number,
    island_start,
    island_end,
    cast({{ dbt.datediff('island_start', 'island_end', 'day') }} + 1 as int) as days_in_work,
    cast(spells_merged as int) as spells_merged
from islands
