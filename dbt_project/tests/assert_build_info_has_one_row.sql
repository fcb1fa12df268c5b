-- "How current is this?" has one answer: mart_build_info holds exactly one row.
with

counted as (
    select count(*) as build_rows from {{ ref('mart_build_info') }}
)

select build_rows from counted where build_rows <> 1
