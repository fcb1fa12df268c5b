-- The national baseline of the customer experience domain: for each rating
-- quarter, the mean overall_satisfaction of every survey response of the
-- window's participants dated by the quarter's end, each response counted
-- once. A unit's customer experience ratio is its own mean over this one.
with

window_responses as (
    select rating_quarter_index, overall_satisfaction from {{ ref('int_star_ratings__window_responses') }}
)

select
    rating_quarter_index,
    cast(count(*) as bigint) as national_survey_responses,
    avg(overall_satisfaction) as national_mean_satisfaction
from window_responses
group by rating_quarter_index
