with

{{ lake_current_reference_ctes('contract_package_areas') }},

renamed as (
    select
        cast(cpa_id as {{ dbt.type_string() }}) as cpa_id,
        cast(name as {{ dbt.type_string() }}) as cpa_name,
        cast(nation as {{ dbt.type_string() }}) as nation,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(is_rural as boolean) as is_rural,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
