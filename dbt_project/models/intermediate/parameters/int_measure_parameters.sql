-- The measure thresholds seed as one typed row, so that models cross join it
-- instead of repeating the name lookups; a missing name fails its not_null test.
with

thresholds as (
    select name, value from {{ ref('measure_thresholds') }}
),

pivoted as (
    select
        cast(max(case when name = 'min_cell_participants' then value end) as int) as min_cell_participants,
        cast(max(case when name = 'min_referrals_rated' then value end) as int) as min_referrals_rated,
        cast(max(case when name = 'min_survey_responses' then value end) as int) as min_survey_responses,
        cast(max(case when name = 'parking_index_ratio' then value end) as double) as parking_index_ratio,
        cast(max(case when name = 'parking_min_group' then value end) as int) as parking_min_group,
        cast(max(case when name = 'evidence_match_days' then value end) as int) as evidence_match_days,
        cast(max(case when name = 'cohort_maturity_months' then value end) as int) as cohort_maturity_months,
        cast(max(case when name = 'job_outcome_months' then value end) as int) as job_outcome_months,
        cast(max(case when name = 'rating_window_cohorts' then value end) as int) as rating_window_cohorts,
        cast(max(case when name = 'long_term_no_outcome_weeks' then value end) as int) as long_term_no_outcome_weeks,
        cast(max(case when name = 'inspection_lookback_years' then value end) as int) as inspection_lookback_years,
        cast(max(case when name = 'core_provider_value_share' then value end) as double) as core_provider_value_share,
        cast(max(case when name = 'claim_grace_days' then value end) as int) as claim_grace_days,
        cast(max(case when name = 'programme_duration_days' then value end) as int) as programme_duration_days,
        cast(max(case when name = 'min_expected_outcomes' then value end) as double) as min_expected_outcomes,
        cast(max(case when name = 'parking_z' then value end) as double) as parking_z
    from thresholds
)

select * from pivoted
