-- The survey responses the customer experience domain weighs (a view): every
-- response of a rating quarter's window participant dated by the quarter's
-- end, once, with the participant's contract and prime.
{{ config(materialized='view') }}

with

window_participants as (
    select rating_quarter_index, as_of_date, ukprn, participant_ref, contract_id, prime_ukprn
    from {{ ref('int_rating_window__participants') }}
),

responses as (
    select ukprn, participant_ref, survey_date, overall_satisfaction from {{ ref('stg_lake__customer_survey') }}
)

select
    window_participants.rating_quarter_index,
    window_participants.contract_id,
    window_participants.prime_ukprn,
    cast(responses.overall_satisfaction as double) as overall_satisfaction
from window_participants
inner join responses
    on window_participants.ukprn = responses.ukprn
    and window_participants.participant_ref = responses.participant_ref
    and window_participants.as_of_date >= responses.survey_date
