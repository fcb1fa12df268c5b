-- One row per contract x referral quarter (cohort): referrals, starts,
-- verified job outcomes within 12 months of referral, verified SUSTAINED_26W
-- whose evidence completed within 18 months, their rates over referrals, and
-- whether the cohort is mature (18 months passed by the extract date).
{{ cohort_performance() }}
