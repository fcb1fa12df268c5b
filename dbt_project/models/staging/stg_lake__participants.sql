-- A table, not a view: picking each record's current version is a window
-- over the whole dataset, and a dozen models and tests read the result.
{{ config(materialized='table') }}

with

{{ lake_current_return_ctes('participants', ['ukprn', 'participant_ref']) }},

renamed as (
    select
        cast(ukprn as {{ dbt.type_string() }}) as ukprn,
        cast(participant_ref as {{ dbt.type_string() }}) as participant_ref,
        cast(contract_id as {{ dbt.type_string() }}) as contract_id,
        cast(person_key as {{ dbt.type_string() }}) as person_key,
        cast(referral_date as date) as referral_date,
        cast(start_date as date) as start_date,
        cast(customer_group as {{ dbt.type_string() }}) as customer_group,
        cast(age_at_referral as int) as age_at_referral,
        cast(sex as {{ dbt.type_string() }}) as sex,
        cast(ethnicity as {{ dbt.type_string() }}) as ethnicity,
        cast(disability as {{ dbt.type_string() }}) as disability,
        cast(impairment_group as {{ dbt.type_string() }}) as impairment_group,
        cast(la_code as {{ dbt.type_string() }}) as la_code,
        cast(delivery_ukprn as {{ dbt.type_string() }}) as delivery_ukprn,
        cast(leave_date as date) as leave_date,
        cast(leave_reason as {{ dbt.type_string() }}) as leave_reason,
        cast(period as {{ dbt.type_string() }}) as period,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
