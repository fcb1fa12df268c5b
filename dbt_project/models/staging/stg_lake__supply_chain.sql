with

{{ lake_current_reference_ctes('supply_chain') }},

renamed as (
    select
        cast(contract_id as {{ dbt.type_string() }}) as contract_id,
        cast(delivery_ukprn as {{ dbt.type_string() }}) as delivery_ukprn,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
