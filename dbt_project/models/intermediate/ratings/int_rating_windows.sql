-- The rating window of every rating quarter: its most recent mature referral
-- cohorts, four by default. Only complete quarters are rated (a quarter is
-- complete once its last day plus the claiming grace is on or before the
-- extract date, decided once in int_employment__extract), so rating quarters
-- run from the last complete quarter back to the first with any mature
-- cohort. A cohort (referral quarter) is mature when 18 months have passed
-- since it ended, as at the rating quarter's end: the window is always judged
-- at the quarter's end, never at the extract date.
with

quarters as (
    select quarter_index, period, quarter_start, quarter_end from {{ ref('int_quarters') }}
),

completeness as (
    select last_complete_quarter_index from {{ ref('int_employment__extract') }}
),

parameters as (
    select cohort_maturity_months, rating_window_cohorts from {{ ref('int_measure_parameters') }}
),

rating_quarters as (
    select
        quarters.quarter_index as rating_quarter_index,
        quarters.period as rating_quarter,
        quarters.quarter_end as as_of_date
    from quarters
    cross join completeness
    where quarters.quarter_index <= completeness.last_complete_quarter_index
),

mature_cohorts as (
    select
        rating_quarters.rating_quarter_index,
        rating_quarters.rating_quarter,
        rating_quarters.as_of_date,
        cohorts.quarter_index as cohort_quarter_index,
        cohorts.period as cohort_quarter,
        parameters.rating_window_cohorts,
        row_number() over (
            partition by rating_quarters.rating_quarter_index
            order by cohorts.quarter_index desc
        ) as cohort_recency
    from rating_quarters
    cross join parameters
    inner join quarters as cohorts
        on rating_quarters.rating_quarter_index >= cohorts.quarter_index
        and {{ add_months('parameters.cohort_maturity_months', 'cohorts.quarter_end') }} <= rating_quarters.as_of_date
)

select
    rating_quarter_index,
    rating_quarter,
    as_of_date,
    cohort_quarter_index,
    cohort_quarter,
    cast(cohort_recency as int) as cohort_recency
from mature_cohorts
where cohort_recency <= rating_window_cohorts
