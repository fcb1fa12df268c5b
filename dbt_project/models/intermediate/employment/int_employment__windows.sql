-- Every window in which days in work must be counted: the window of each
-- sustained claim of a known person, and the window from each started
-- participant's evidence job start for each sustained outcome type (unclaimed
-- outcomes). A window belongs to a referral as well as to a person: only
-- spells starting on or after the participant's referral date count in it (a
-- job held before referral is no outcome of the programme, even where it
-- continues). One row per distinct (person_key, referral_date, window_start,
-- window_end, days_required), so a window shared by a claim and the evidence
-- is counted once.
with

sustained_rules as (
    select outcome_type, days_required, window_days
    from {{ ref('outcome_rules') }}
    where window_days is not null
),

claims as (
    select person_key, referral_date, outcome_type, job_start_date
    from {{ ref('int_outcome_claims__participant_checks') }}
    where person_key is not null
),

evidence_starts as (
    select person_key, referral_date, evidence_job_start
    from {{ ref('int_participants__evidence_job_starts') }}
),

claim_windows as (
    select
        claims.person_key,
        claims.referral_date,
        claims.job_start_date as window_start,
        sustained_rules.window_days,
        sustained_rules.days_required
    from claims
    inner join sustained_rules
        on claims.outcome_type = sustained_rules.outcome_type
),

evidence_windows as (
    select
        evidence_starts.person_key,
        evidence_starts.referral_date,
        evidence_starts.evidence_job_start as window_start,
        sustained_rules.window_days,
        sustained_rules.days_required
    from evidence_starts
    cross join sustained_rules
),

all_windows as (
    select person_key, referral_date, window_start, window_days, days_required from claim_windows
    union
    select person_key, referral_date, window_start, window_days, days_required from evidence_windows
)

select
    person_key,
    referral_date,
    window_start,
    {{ add_days('window_days - 1', 'window_start') }} as window_end,
    cast(days_required as int) as days_required
from all_windows
