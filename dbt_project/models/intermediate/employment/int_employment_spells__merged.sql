-- Gaps-and-islands: a person's spells (any employer) merged into maximal runs
-- of consecutive days in work. Overlapping spells count a day once, and
-- touching spells (one ends the day before the next starts) become one run.
-- Set-based on purpose: two window passes over the spells, no calendar.
with

spells as (
    select person_key, spell_start, spell_end
    from {{ ref('stg_lake__employment_spells') }}
    -- an inverted spell covers no day (flagged by a staging test)
    where spell_end >= spell_start
),

with_coverage_so_far as (
    select
        person_key,
        spell_start,
        spell_end,
        max(spell_end) over (
            partition by person_key
            order by spell_start, spell_end
            rows between unbounded preceding and 1 preceding
        ) as covered_until
    from spells
),

flagged as (
    select
        person_key,
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
        spell_start,
        spell_end,
        sum(starts_new_island) over (
            partition by person_key
            order by spell_start, spell_end
            rows between unbounded preceding and current row
        ) as island_number
    from flagged
),

islands as (
    select
        person_key,
        island_number,
        min(spell_start) as island_start,
        max(spell_end) as island_end,
        count(*) as spells_merged
    from numbered
    group by person_key, island_number
)

select
    person_key,
    cast(island_number as int) as island_number,
    island_start,
    island_end,
    cast({{ dbt.datediff('island_start', 'island_end', 'day') }} + 1 as int) as days_in_work,
    cast(spells_merged as int) as spells_merged
from islands
