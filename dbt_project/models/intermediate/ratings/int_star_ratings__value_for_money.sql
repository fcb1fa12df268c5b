-- The value-for-money domain of every rated unit and rating quarter, like for
-- like: (O / C) / (E / C_E), with O and E the outcomes domain's actual and
-- expected outcomes, C = the start fees of the window's participants + the
-- SUSTAINED_26W fees of the counted outcomes, and C_E = the same start fees +
-- the sum over the window's participants of their SUSTAINED_26W fee x their
-- benchmark rate (what the national system would have been paid for the
-- same people). A unit that achieves its expected outcomes at its expected
-- cost scores 1.00 whatever its mix of people and tariffs. A participant
-- without a fee contributes 0. The ratio is null where a denominator is 0,
-- and rounded to 6 places.
with

outcomes as (
    select rated_unit_type, rated_unit_id, rating_quarter_index, actual_outcomes, expected_outcomes
    from {{ ref('int_star_ratings__outcomes') }}
),

unit_participants as (
    select
        rated_unit_type,
        rated_unit_id,
        rating_quarter_index,
        sustained_outcome,
        benchmark_rate,
        start_fee_gbp,
        sustained_26w_fee_gbp
    from {{ ref('int_star_ratings__unit_participants') }}
),

fees as (
    select
        rated_unit_type,
        rated_unit_id,
        rating_quarter_index,
        sum(coalesce(start_fee_gbp, 0)) as start_fees_gbp,
        sum(sustained_outcome * coalesce(sustained_26w_fee_gbp, 0)) as outcome_fees_gbp,
        sum(benchmark_rate * coalesce(sustained_26w_fee_gbp, 0)) as expected_outcome_fees_gbp
    from unit_participants
    group by rated_unit_type, rated_unit_id, rating_quarter_index
),

costed as (
    select
        outcomes.rated_unit_type,
        outcomes.rated_unit_id,
        outcomes.rating_quarter_index,
        outcomes.actual_outcomes,
        outcomes.expected_outcomes,
        coalesce(fees.start_fees_gbp, 0) as start_fees_gbp,
        coalesce(fees.start_fees_gbp, 0) + coalesce(fees.outcome_fees_gbp, 0) as cost_gbp,
        coalesce(fees.start_fees_gbp, 0) + coalesce(fees.expected_outcome_fees_gbp, 0) as expected_cost_gbp
    from outcomes
    left join fees
        on outcomes.rated_unit_type = fees.rated_unit_type
        and outcomes.rated_unit_id = fees.rated_unit_id
        and outcomes.rating_quarter_index = fees.rating_quarter_index
)

select
    rated_unit_type,
    rated_unit_id,
    rating_quarter_index,
    cast(start_fees_gbp as double) as start_fees_gbp,
    cast(cost_gbp as double) as cost_gbp,
    cast(expected_cost_gbp as double) as expected_cost_gbp,
    cast(
        round(
            (actual_outcomes / nullif(cost_gbp, 0))
            / nullif(expected_outcomes / nullif(expected_cost_gbp, 0), 0),
            6
        ) as double
    ) as value_for_money_ratio
from costed
