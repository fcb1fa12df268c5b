with

{{ lake_current_reference_ctes('providers') }},

renamed as (
    select
        cast(ukprn as {{ dbt.type_string() }}) as ukprn,
        cast(name as {{ dbt.type_string() }}) as provider_name,
        cast(sector as {{ dbt.type_string() }}) as sector,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
