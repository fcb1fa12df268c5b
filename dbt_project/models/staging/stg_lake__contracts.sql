with

{{ lake_current_reference_ctes('contracts') }},

renamed as (
    select
        cast(contract_id as {{ dbt.type_string() }}) as contract_id,
        cast(programme as {{ dbt.type_string() }}) as programme,
        cast(prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
        cast(cpa_id as {{ dbt.type_string() }}) as cpa_id,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(contract_value_gbp as double) as contract_value_gbp,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
