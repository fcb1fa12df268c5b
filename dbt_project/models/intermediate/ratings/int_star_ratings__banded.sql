-- Stars, rank and previous stars of every rated unit and quarter. Stars come
-- from the composite's percentage difference from 1.00 against the
-- star_bands seed (each band's inclusive lower bound). The difference is
-- rounded to 6 places first so that a composite of exactly 1.4 is +40% and
-- not 39.99999999999999% after floating-point subtraction. rank uses rank():
-- units with the same (rounded) composite share a rank.
--
-- Ratings as published stay as published: published_stars and
-- published_release are the unit's rating for the quarter in the latest
-- approved release for that quarter itself (null until it is approved).
-- previous_stars is the previous quarter's published_stars where that
-- quarter's release published the unit, else the previous quarter's stars
-- as recomputed now.
with

composites as (
    select * from {{ ref('int_star_ratings__composite') }}
),

published as (
    select rated_unit_type, rated_unit_id, rating_quarter, published_stars, published_release
    from {{ ref('int_published_ratings__in_force') }}
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
            when banded.rating_status = 'RATED' then rank() over (
                partition by banded.rated_unit_type, banded.rating_quarter_index, banded.rating_status
                order by banded.composite desc
            )
        end as rating_rank
    from banded
)

select
    ranked.*,
    published.published_stars,
    published.published_release,
    case
        when previous_published.rated_unit_id is not null then previous_published.published_stars
        else previous.stars
    end as previous_stars
from ranked
left join published
    on ranked.rated_unit_type = published.rated_unit_type
    and ranked.rated_unit_id = published.rated_unit_id
    and ranked.rating_quarter = published.rating_quarter
left join published as previous_published
    on ranked.rated_unit_type = previous_published.rated_unit_type
    and ranked.rated_unit_id = previous_published.rated_unit_id
    and {{ quarter_label_from_index('ranked.rating_quarter_index - 1') }} = previous_published.rating_quarter
left join ranked as previous
    on ranked.rated_unit_type = previous.rated_unit_type
    and ranked.rated_unit_id = previous.rated_unit_id
    and ranked.rating_quarter_index = previous.rating_quarter_index + 1
