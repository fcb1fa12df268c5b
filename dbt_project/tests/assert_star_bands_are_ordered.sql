-- Bands must cover stars 1 to 5 with bounds that rise with the stars, and
-- only the 1-star band open below; otherwise a composite could fall between
-- bands or into two.
with

bands as (
    select stars, min_pct_difference from {{ ref('star_bands') }}
),

band_count as (
    select count(*) as bands from bands
),

ordered as (
    select
        stars,
        min_pct_difference,
        lag(min_pct_difference) over (order by stars) as lower_band_bound
    from bands
)

select ordered.*, band_count.bands
from ordered
cross join band_count
where (ordered.stars = 1 and ordered.min_pct_difference is not null)
    or (ordered.stars > 1 and ordered.min_pct_difference is null)
    or (ordered.lower_band_bound is not null and ordered.min_pct_difference <= ordered.lower_band_bound)
    or band_count.bands <> 5
