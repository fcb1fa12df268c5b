with

{{ lake_current_reference_ctes('local_authorities') }},

renamed as (
    select
        cast(la_code as {{ dbt.type_string() }}) as la_code,
        cast(name as {{ dbt.type_string() }}) as la_name,
        cast(cpa_id as {{ dbt.type_string() }}) as cpa_id,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
