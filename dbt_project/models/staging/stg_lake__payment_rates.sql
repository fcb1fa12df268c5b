with

{{ lake_current_reference_ctes('payment_rates') }},

renamed as (
    select
        cast(programme as {{ dbt.type_string() }}) as programme,
        cast(customer_group as {{ dbt.type_string() }}) as customer_group,
        cast(fee_type as {{ dbt.type_string() }}) as fee_type,
        cast(amount_gbp as double) as amount_gbp,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
