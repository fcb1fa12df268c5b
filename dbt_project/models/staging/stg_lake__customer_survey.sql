-- A table, not a view: picking each record's current version is a window
-- over the whole dataset, and a dozen models and tests read the result.
{{ config(materialized='table') }}

with

{{ lake_current_return_ctes('customer_survey', ['ukprn', 'response_id']) }},

renamed as (
    select
        cast(ukprn as {{ dbt.type_string() }}) as ukprn,
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        cast(contract_id as {{ dbt.type_string() }}) as contract_id,
        cast(participant_ref as {{ dbt.type_string() }}) as participant_ref,
        cast(survey_date as date) as survey_date,
        cast(overall_satisfaction as int) as overall_satisfaction,
        cast(treated_with_respect as int) as treated_with_respect,
        cast(advice_helpful as int) as advice_helpful,
        cast(would_recommend as {{ dbt.type_string() }}) as would_recommend,
        cast(period as {{ dbt.type_string() }}) as period,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
