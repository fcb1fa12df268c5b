-- A table, not a view: picking each record's current version is a window
-- over the whole dataset, and a dozen models and tests read the result.
{{ config(materialized='table') }}

with

{{ lake_current_return_ctes('outcome_claims', ['ukprn', 'claim_id']) }},

renamed as (
    select
        cast(ukprn as {{ dbt.type_string() }}) as ukprn,
        cast(claim_id as {{ dbt.type_string() }}) as claim_id,
        cast(contract_id as {{ dbt.type_string() }}) as contract_id,
        cast(participant_ref as {{ dbt.type_string() }}) as participant_ref,
        cast(outcome_type as {{ dbt.type_string() }}) as outcome_type,
        cast(job_start_date as date) as job_start_date,
        cast(claim_date as date) as claim_date,
        cast(hours_per_week as double) as hours_per_week,
        cast(employer_paye_ref as {{ dbt.type_string() }}) as employer_paye_ref,
        -- ingest defaults it; an old file without the column still means ACTIVE
        cast(coalesce(claim_status, 'ACTIVE') as {{ dbt.type_string() }}) as claim_status,
        cast(delivery_ukprn as {{ dbt.type_string() }}) as delivery_ukprn,
        cast(period as {{ dbt.type_string() }}) as period,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
