-- The composite renormalises over available domains, which only keeps its
-- meaning if the full set of weights sums to one.
with

totals as (
    select sum(weight) as total_weight from {{ ref('star_domain_weights') }}
)

select * from totals where abs(total_weight - 1.0) > 0.000001
