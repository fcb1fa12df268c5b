-- Verification steps 7-9 (spec §1) for claims still undecided: a sustained
-- claim whose window runs past the extract date and has not yet reached its
-- days is PENDING; one whose window falls short is INSUFFICIENT_EMPLOYMENT;
-- everything else is VERIFIED. verified_on is when the evidence completed:
-- the matching spell's start for an outcome without a window (a job outcome),
-- the day the days in work reached the requirement for a sustained one.
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
    select person_key, window_start, window_end, days_required, days_in_work, requirement_met_on
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
        extract_date.extract_date
    from windowed
    cross join extract_date
    left join days_in_window
        on windowed.person_key = days_in_window.person_key
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
            when window_end > extract_date and coalesce(days_in_work, 0) < days_required then 'PENDING'
            when coalesce(days_in_work, 0) < days_required then 'INSUFFICIENT_EMPLOYMENT'
            else 'VERIFIED'
        end as verification_status
    from measured
)

select
    checked.* except (extract_date),
    case
        when verification_status = 'VERIFIED' and window_end is null then evidence_spell_start
        when verification_status = 'VERIFIED' then requirement_met_on
    end as verified_on
from checked
