-- Verification steps 6 to 9 for claims that have a matching spell: days in
-- work inside a sustained claim's window (spells from the referral date on,
-- up to the extract date) decide it.
--   PENDING: the window's last day is after the extract date, the days so
--     far fall short, and they can still reach the requirement: days so far
--     plus the window's days after the extract date (extract date < d <=
--     window end) reach it.
--   INSUFFICIENT_EMPLOYMENT: the days fall short and can no longer reach the
--     requirement, whether the window has closed or not.
--   VERIFIED: otherwise (a job outcome with a matching spell; a sustained
--     outcome whose days reached the requirement, even inside an open window).
-- verified_on is when the evidence completed: the matching spell's start for
-- an outcome without a window (a job outcome), the day the days in work
-- reached the requirement for a sustained one.

-- Linted as Spark SQL (sqlfluff's DuckDB dialect cannot parse `* except (...)`, the
-- spelling both engines read; docs/scale.md):
-- sqlfluff:dialect:sparksql
with

claims as (
    select * from {{ ref('int_outcome_claims__evidence_checks') }}
),

rules as (
    select outcome_type, days_required, window_days from {{ ref('outcome_rules') }}
),

extract_date as (
    select extract_date from {{ ref('int_employment__extract') }}
),

days_in_window as (
    select person_key, referral_date, window_start, window_end, days_required, days_in_work, requirement_met_on
    from {{ ref('int_employment__days_in_window') }}
),

windowed as (
    select
        claims.*,
        rules.days_required,
        case when rules.window_days is not null then claims.job_start_date end as window_start,
        case
            when rules.window_days is not null
                then {{ add_days('rules.window_days - 1', 'claims.job_start_date') }}
        end as window_end
    from claims
    left join rules
        on claims.outcome_type = rules.outcome_type
),

measured as (
    select
        windowed.*,
        days_in_window.days_in_work,
        days_in_window.requirement_met_on,
        -- the window's days still to come after the extract date
        case
            when windowed.window_end > extract_date.extract_date
                then {{ dbt.datediff('extract_date.extract_date', 'windowed.window_end', 'day') }}
            when windowed.window_end is not null then 0
        end as window_days_after_extract
    from windowed
    cross join extract_date
    left join days_in_window
        on windowed.person_key = days_in_window.person_key
        and windowed.referral_date = days_in_window.referral_date
        and windowed.window_start = days_in_window.window_start
        and windowed.window_end = days_in_window.window_end
        and windowed.days_required = days_in_window.days_required
),

checked as (
    select
        measured.* except (verification_status),
        case
            when verification_status is not null then verification_status
            when window_end is null then 'VERIFIED'
            when coalesce(days_in_work, 0) >= days_required then 'VERIFIED'
            when coalesce(days_in_work, 0) + window_days_after_extract >= days_required then 'PENDING'
            else 'INSUFFICIENT_EMPLOYMENT'
        end as verification_status
    from measured
)

select
    checked.*,
    case
        when checked.verification_status = 'VERIFIED' and checked.window_end is null then checked.evidence_spell_start
        when checked.verification_status = 'VERIFIED' then checked.requirement_met_on
    end as verified_on
from checked
