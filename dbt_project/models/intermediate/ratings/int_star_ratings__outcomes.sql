-- The outcomes domain of every rated unit and rating quarter: the
-- like-for-like index O / E of the window, O the counted SUSTAINED_26W
-- outcomes of the unit's window participants, E the sum of their national
-- benchmark rates (int_benchmark__cells, the national baseline: the outcomes
-- the national system would achieve with the same mix of people). A unit
-- without participants has O = E = 0. The ratio is null where E is 0, and
-- rounded to 6 places.
with

units as (
    select rated_unit_type, rated_unit_id, rating_quarter_index from {{ ref('int_star_ratings__units') }}
),

unit_participants as (
    select rated_unit_type, rated_unit_id, rating_quarter_index, sustained_outcome, benchmark_rate
    from {{ ref('int_star_ratings__unit_participants') }}
),

totals as (
    select
        rated_unit_type,
        rated_unit_id,
        rating_quarter_index,
        sum(sustained_outcome) as actual_outcomes,
        sum(benchmark_rate) as expected_outcomes
    from unit_participants
    group by rated_unit_type, rated_unit_id, rating_quarter_index
),

measured as (
    select
        units.rated_unit_type,
        units.rated_unit_id,
        units.rating_quarter_index,
        coalesce(totals.actual_outcomes, 0) as actual_outcomes,
        coalesce(totals.expected_outcomes, 0) as expected_outcomes
    from units
    left join totals
        on units.rated_unit_type = totals.rated_unit_type
        and units.rated_unit_id = totals.rated_unit_id
        and units.rating_quarter_index = totals.rating_quarter_index
)

select
    rated_unit_type,
    rated_unit_id,
    rating_quarter_index,
    cast(actual_outcomes as bigint) as actual_outcomes,
    cast(expected_outcomes as double) as expected_outcomes,
    cast(round(actual_outcomes / nullif(expected_outcomes, 0), 6) as double) as outcomes_ratio
from measured
