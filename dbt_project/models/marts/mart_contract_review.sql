-- One row per contract x quarter, from the contract's start quarter to the
-- extract quarter (int_contract_review__quarters): performance management.
-- Each topic is worked out in a model of its own, on the same rows:
--   * int_contract_review__minimum_levels: the actual sustained rate of the
--     rating window's mature cohorts against the minimum performance level
--     weighted by the contract's customer-group mix, below_mpl and at_risk
--     (below in two consecutive complete quarters).
--   * int_contract_review__payments: payments falling due in the quarter,
--     start fees by start date, outcome fees by payment_due_on.
--   * int_contract_review__unclaimed_outcomes: verified sustained outcomes,
--     and the unclaimed ones by the quarter of requirement_met_on with their
--     share of every outcome the evidence shows met in that quarter.
with

review_quarters as (
    select contract_id, prime_ukprn, programme, quarter_index, period, is_complete_quarter
    from {{ ref('int_contract_review__quarters') }}
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
),

minimum_levels as (
    select * from {{ ref('int_contract_review__minimum_levels') }}
),

payments as (
    select * from {{ ref('int_contract_review__payments') }}
),

unclaimed as (
    select * from {{ ref('int_contract_review__unclaimed_outcomes') }}
)

select
    cast(review_quarters.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(review_quarters.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(providers.provider_name as {{ dbt.type_string() }}) as prime_name,
    cast(review_quarters.programme as {{ dbt.type_string() }}) as programme,
    cast(review_quarters.period as {{ dbt.type_string() }}) as period,
    review_quarters.is_complete_quarter,
    cast(minimum_levels.cohorts_in_window as bigint) as cohorts_in_window,
    cast(minimum_levels.referrals_in_window as bigint) as referrals_in_window,
    cast(minimum_levels.sustained_outcomes_in_window as bigint) as sustained_outcomes_in_window,
    cast(minimum_levels.participants_without_mpl as bigint) as participants_without_mpl,
    cast(minimum_levels.actual_sustained_rate as double) as actual_sustained_rate,
    cast(minimum_levels.minimum_performance_level as double) as minimum_performance_level,
    minimum_levels.below_mpl,
    minimum_levels.at_risk,
    cast(payments.start_fees_due_gbp as double) as start_fees_due_gbp,
    cast(payments.outcome_fees_due_gbp as double) as outcome_fees_due_gbp,
    cast(payments.payments_due_gbp as double) as payments_due_gbp,
    cast(unclaimed.verified_sustained_outcomes as bigint) as verified_sustained_outcomes,
    cast(unclaimed.evidenced_sustained_outcomes as bigint) as evidenced_sustained_outcomes,
    cast(unclaimed.unclaimed_sustained_outcomes as bigint) as unclaimed_sustained_outcomes,
    cast(unclaimed.unclaimed_share as double) as unclaimed_share
from review_quarters
left join minimum_levels
    on review_quarters.contract_id = minimum_levels.contract_id
    and review_quarters.quarter_index = minimum_levels.quarter_index
left join payments
    on review_quarters.contract_id = payments.contract_id
    and review_quarters.quarter_index = payments.quarter_index
left join unclaimed
    on review_quarters.contract_id = unclaimed.contract_id
    and review_quarters.quarter_index = unclaimed.quarter_index
left join providers
    on review_quarters.prime_ukprn = providers.ukprn
