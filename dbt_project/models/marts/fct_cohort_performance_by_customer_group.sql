-- One row per contract x referral quarter (cohort) x customer_group: the
-- measures of fct_cohort_performance for each customer group of the cohort.
{{ cohort_performance(by=['customer_group']) }}
