-- Stars, rank and previous stars of every rated unit and quarter (spec §4).
-- Stars come from the composite's percentage difference from 1.00 against the
-- star_bands seed (each band's inclusive lower bound). The difference is
-- rounded to 6 places first so that a composite of exactly 1.4 is +40% and
-- not 39.99999999999999% after floating-point subtraction.
with

composites as (
    select * from {{ ref('int_star_ratings__composite') }}
),

bands as (
    select stars, min_pct_difference from {{ ref('star_bands') }}
),

scored as (
    select
        composites.*,
        round((composites.composite - 1.0) * 100, 6) as composite_pct_difference
    from composites
),

banded as (
    select
        scored.*,
        bands.stars
    from scored
    left join bands
        on scored.rating_status = 'RATED'
        and (bands.min_pct_difference is null or scored.composite_pct_difference >= bands.min_pct_difference)
    qualify row_number() over (
        partition by scored.rated_unit_type, scored.rated_unit_id, scored.rating_quarter_index
        order by bands.stars desc nulls last
    ) = 1
),

ranked as (
    select
        banded.*,
        case
            when rating_status = 'RATED' then rank() over (
                partition by rated_unit_type, rating_quarter_index, rating_status
                order by composite desc
            )
        end as rating_rank
    from banded
)

select
    ranked.*,
    previous.stars as previous_stars
from ranked
left join ranked as previous
    on ranked.rated_unit_type = previous.rated_unit_type
    and ranked.rated_unit_id = previous.rated_unit_id
    and ranked.rating_quarter_index = previous.rating_quarter_index + 1
