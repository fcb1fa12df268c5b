-- The release's coverage rule has one setting: release_coverage holds exactly one row
-- (int_release__coverage cross joins it, so a second row would repeat every contract).
with

counted as (
    select count(*) as setting_rows from {{ ref('release_coverage') }}
)

select setting_rows from counted where setting_rows <> 1
