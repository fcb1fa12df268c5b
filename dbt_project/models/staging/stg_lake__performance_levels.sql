with

{{ lake_current_reference_ctes('performance_levels') }},

renamed as (
    select
        cast(programme as {{ dbt.type_string() }}) as programme,
        cast(customer_group as {{ dbt.type_string() }}) as customer_group,
        cast(minimum_sustained_rate as double) as minimum_sustained_rate,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
