-- Each window participant's benchmark rate: the national rate of their cell
-- after fall-back. Summed over any set of participants (a contract, a delivery
-- provider, a group) it gives that set's expected outcomes.
with

participants as (
    select * from {{ ref('int_rating_window__participants') }}
),

cells as (
    select
        rating_quarter_index,
        customer_group,
        age_band,
        disability,
        labour_market_band,
        benchmark_level,
        cast(benchmark_outcomes as double) / nullif(benchmark_participants, 0) as benchmark_rate
    from {{ ref('int_benchmark__cells') }}
)

select
    participants.*,
    cells.benchmark_level,
    cells.benchmark_rate
from participants
inner join cells
    on participants.rating_quarter_index = cells.rating_quarter_index
    and participants.customer_group = cells.customer_group
    and participants.age_band = cells.age_band
    and participants.disability = cells.disability
    and participants.labour_market_band = cells.labour_market_band
