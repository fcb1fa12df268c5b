with

{{ lake_current_reference_ctes('labour_market') }},

renamed as (
    select
        cast(la_code as {{ dbt.type_string() }}) as la_code,
        cast(period as {{ dbt.type_string() }}) as period,
        cast(unemployment_rate as double) as unemployment_rate,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
