-- National benchmark rate of every cell in every rating window (indirect
-- standardisation, the like-for-like benchmark): the share of the window's
-- participants in the cell with a counted SUSTAINED_26W. The cell is
-- customer_group x age_band x disability x labour_market_band; with fewer
-- than 30 participants nationally it falls back to a coarser cell: without
-- labour_market_band, then also without age_band, then the customer_group
-- alone (whatever its size).
with

participants as (
    select
        rating_quarter_index,
        rating_quarter,
        customer_group,
        age_band,
        disability,
        labour_market_band,
        sustained_outcome
    from {{ ref('int_rating_window__participants') }}
),

parameters as (
    select min_cell_participants from {{ ref('int_measure_parameters') }}
),

full_cells as (
    select
        rating_quarter_index,
        rating_quarter,
        customer_group,
        age_band,
        disability,
        labour_market_band,
        count(*) as full_cell_participants,
        sum(sustained_outcome) as full_cell_outcomes
    from participants
    group by rating_quarter_index, rating_quarter, customer_group, age_band, disability, labour_market_band
),

coarser_cells as (
    select
        *,
        sum(full_cell_participants) over (
            partition by rating_quarter_index, customer_group, age_band, disability
        ) as without_labour_market_participants,
        sum(full_cell_outcomes) over (
            partition by rating_quarter_index, customer_group, age_band, disability
        ) as without_labour_market_outcomes,
        sum(full_cell_participants) over (
            partition by rating_quarter_index, customer_group, disability
        ) as without_age_participants,
        sum(full_cell_outcomes) over (
            partition by rating_quarter_index, customer_group, disability
        ) as without_age_outcomes,
        sum(full_cell_participants) over (
            partition by rating_quarter_index, customer_group
        ) as customer_group_participants,
        sum(full_cell_outcomes) over (
            partition by rating_quarter_index, customer_group
        ) as customer_group_outcomes
    from full_cells
),

chosen as (
    select
        coarser_cells.*,
        case
            when coarser_cells.full_cell_participants >= parameters.min_cell_participants then 'FULL_CELL'
            when coarser_cells.without_labour_market_participants >= parameters.min_cell_participants
                then 'WITHOUT_LABOUR_MARKET'
            when coarser_cells.without_age_participants >= parameters.min_cell_participants then 'WITHOUT_AGE'
            else 'CUSTOMER_GROUP'
        end as benchmark_level
    from coarser_cells
    cross join parameters
)

select
    rating_quarter_index,
    rating_quarter,
    customer_group,
    age_band,
    disability,
    labour_market_band,
    cast(full_cell_participants as bigint) as full_cell_participants,
    cast(full_cell_outcomes as bigint) as full_cell_outcomes,
    benchmark_level,
    cast(
        case benchmark_level
            when 'FULL_CELL' then full_cell_participants
            when 'WITHOUT_LABOUR_MARKET' then without_labour_market_participants
            when 'WITHOUT_AGE' then without_age_participants
            else customer_group_participants
        end as bigint
    ) as benchmark_participants,
    cast(
        case benchmark_level
            when 'FULL_CELL' then full_cell_outcomes
            when 'WITHOUT_LABOUR_MARKET' then without_labour_market_outcomes
            when 'WITHOUT_AGE' then without_age_outcomes
            else customer_group_outcomes
        end as bigint
    ) as benchmark_outcomes
from chosen
