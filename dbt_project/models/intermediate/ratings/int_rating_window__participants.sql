-- The participants of each rating quarter's window: everyone referred in one
-- of its mature cohorts, with what the ratings, the benchmark and the parking
-- indicators need to know about them.
{{ config(materialized='view') }}

with

windows as (
    select rating_quarter_index, rating_quarter, as_of_date, cohort_quarter_index
    from {{ ref('int_rating_windows') }}
),

participants as (
    select * from {{ ref('int_participants__outcomes') }}
)

select
    windows.rating_quarter_index,
    windows.rating_quarter,
    windows.as_of_date,
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
    participants.cost_in_maturity_gbp,
    case when participants.is_sustained_outcome_counted then 1 else 0 end as sustained_outcome
from windows
inner join participants
    on windows.cohort_quarter_index = participants.referral_quarter_index
