-- One row per contract x rating quarter: of the rating window's participants,
-- those on programme for 52 weeks or more without a verified outcome of any
-- kind by the rating quarter's end (spec §6, the per-contract parking
-- indicator that sits beside mart_parking_indicators).
with

participants as (
    select
        contract_id,
        rating_quarter_index,
        rating_quarter,
        as_of_date,
        start_date,
        leave_date,
        first_outcome_verified_on
    from {{ ref('int_rating_window__participants') }}
),

parameters as (
    select long_term_no_outcome_weeks from {{ ref('int_measure_parameters') }}
),

classified as (
    select
        participants.*,
        case
            when participants.start_date is null then false
            when participants.first_outcome_verified_on <= participants.as_of_date then false
            -- time on programme: from the start to leaving, or to the quarter's end
            else {{ add_days('7 * parameters.long_term_no_outcome_weeks', 'participants.start_date') }}
                <= least(coalesce(participants.leave_date, participants.as_of_date), participants.as_of_date)
        end as is_long_term_no_outcome
    from participants
    cross join parameters
),

contracts as (
    select
        contract_id,
        rating_quarter_index,
        rating_quarter,
        count(*) as participants,
        sum(case when is_long_term_no_outcome then 1 else 0 end) as long_term_no_outcome
    from classified
    group by contract_id, rating_quarter_index, rating_quarter
)

select
    cast(contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(rating_quarter as {{ dbt.type_string() }}) as rating_quarter,
    cast(participants as bigint) as participants,
    cast(long_term_no_outcome as bigint) as long_term_no_outcome,
    cast(long_term_no_outcome / nullif(cast(participants as double), 0) as double) as long_term_no_outcome_share
from contracts
