-- An age falling in two bands would duplicate participants in every measure.
with

bands as (
    select age_band, min_age, coalesce(max_age, 200) as max_age from {{ ref('age_bands') }}
)

select first_band.age_band, second_band.age_band as overlapping_band
from bands as first_band
inner join bands as second_band
    on first_band.age_band < second_band.age_band
    and first_band.min_age <= second_band.max_age
    and first_band.max_age >= second_band.min_age
