-- What the employment evidence shows for each started participant and each
-- sustained outcome type that the contract's programme pays for the
-- participant's customer group (a payment_rates amount above zero: a prime
-- cannot be said to leave unclaimed an outcome that carries no fee). Days in
-- work are counted in the window from the participant's evidence job start,
-- from spells starting on or after this referral's date, up to the extract
-- date; requirement_met_on is the day they reached the requirement, null when
-- they have not. Each referral is judged on its own bounds and customer group.
with

evidence_starts as (
    select * from {{ ref('int_participants__evidence_job_starts') }}
),

contracts as (
    select contract_id, programme, prime_ukprn from {{ ref('stg_lake__contracts') }}
),

rates as (
    select programme, customer_group, fee_type, amount_gbp
    from {{ ref('stg_lake__payment_rates') }}
    where amount_gbp > 0
),

sustained_rules as (
    select outcome_type, days_required, window_days
    from {{ ref('outcome_rules') }}
    where window_days is not null
),

days_in_window as (
    select person_key, referral_date, window_start, window_end, days_required, days_in_work, requirement_met_on
    from {{ ref('int_employment__days_in_window') }}
),

payable as (
    select
        evidence_starts.ukprn,
        evidence_starts.participant_ref,
        evidence_starts.person_key,
        evidence_starts.contract_id,
        contracts.programme,
        contracts.prime_ukprn,
        evidence_starts.customer_group,
        evidence_starts.referral_date,
        evidence_starts.start_date,
        sustained_rules.outcome_type,
        rates.amount_gbp as fee_gbp,
        evidence_starts.evidence_job_start,
        {{ add_days('sustained_rules.window_days - 1', 'evidence_starts.evidence_job_start') }} as window_end,
        sustained_rules.days_required
    from evidence_starts
    inner join contracts
        on evidence_starts.contract_id = contracts.contract_id
    cross join sustained_rules
    inner join rates
        on contracts.programme = rates.programme
        and evidence_starts.customer_group = rates.customer_group
        and sustained_rules.outcome_type = rates.fee_type
)

select
    payable.*,
    cast(coalesce(days_in_window.days_in_work, 0) as int) as days_in_work,
    days_in_window.requirement_met_on
from payable
left join days_in_window
    on payable.person_key = days_in_window.person_key
    and payable.referral_date = days_in_window.referral_date
    and payable.evidence_job_start = days_in_window.window_start
    and payable.window_end = days_in_window.window_end
    and payable.days_required = days_in_window.days_required
