-- Two counts of the same fees agree: a release's national total of payments
-- (pub_national_summary, ALL x ALL) equals the payments mart_contract_review has
-- due in the period to the contracts the release covers (pub_contract_performance).
with

national as (
    select period, payments_made_gbp
    from {{ ref('pub_national_summary') }}
    where nation = 'ALL' and customer_group = 'ALL'
),

contracts as (
    select period, sum(coalesce(payments_due_gbp, 0)) as payments_due_gbp
    from {{ ref('pub_contract_performance') }}
    group by period
),

compared as (
    select
        coalesce(national.period, contracts.period) as period,
        coalesce(national.payments_made_gbp, 0) as payments_made_gbp,
        coalesce(contracts.payments_due_gbp, 0) as payments_due_gbp
    from national
    full outer join contracts
        on national.period = contracts.period
)

select period, payments_made_gbp, payments_due_gbp
from compared
where abs(payments_made_gbp - payments_due_gbp) > 0.01
