with

{{ lake_current_reference_ctes('inspections') }},

renamed as (
    select
        cast(ukprn as {{ dbt.type_string() }}) as ukprn,
        cast(inspectorate as {{ dbt.type_string() }}) as inspectorate,
        cast(inspection_date as date) as inspection_date,
        cast(grade as int) as grade,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
