-- The participants of each rating quarter's window: everyone referred in one
-- of its mature cohorts, with what the ratings, the benchmark and the parking
-- indicators need to know about them, including the two fees value for money
-- weighs: the start fee (payable once the participant started) and the
-- SUSTAINED_26W fee of the participant's programme and customer group (null
-- where the programme pays none for the group).
{{ config(materialized='view') }}

with

windows as (
    select rating_quarter_index, rating_quarter, as_of_date, cohort_quarter_index
    from {{ ref('int_rating_windows') }}
),

participants as (
    select * from {{ ref('int_participants__outcomes') }}
),

sustained_fees as (
    select programme, customer_group, amount_gbp
    from {{ ref('stg_lake__payment_rates') }}
    where fee_type = 'SUSTAINED_26W'
)

select
    windows.rating_quarter_index,
    windows.rating_quarter,
    windows.as_of_date,
    participants.referral_quarter_index,
    participants.ukprn,
    participants.participant_ref,
    participants.contract_id,
    participants.prime_ukprn,
    participants.delivery_ukprn,
    participants.programme,
    participants.customer_group,
    participants.age_band,
    participants.disability,
    participants.labour_market_band,
    participants.impairment_group,
    participants.sex,
    participants.ethnicity,
    participants.referral_date,
    participants.start_date,
    participants.leave_date,
    participants.first_outcome_verified_on,
    cast(participants.start_fee_gbp as double) as start_fee_gbp,
    cast(sustained_fees.amount_gbp as double) as sustained_26w_fee_gbp,
    case when participants.is_sustained_outcome_counted then 1 else 0 end as sustained_outcome
from windows
inner join participants
    on windows.cohort_quarter_index = participants.referral_quarter_index
left join sustained_fees
    on participants.programme = sustained_fees.programme
    and participants.customer_group = sustained_fees.customer_group
