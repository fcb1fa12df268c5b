with

{{ lake_current_reference_ctes('employment_spells') }},

renamed as (
    select
        cast(person_key as {{ dbt.type_string() }}) as person_key,
        cast(employer_paye_ref as {{ dbt.type_string() }}) as employer_paye_ref,
        cast(spell_start as date) as spell_start,
        -- An ongoing spell (no spell_end) runs to the extract date inclusive. The
        -- sentinel is set here once so that no later model does arithmetic
        -- on a null end.
        cast(coalesce(spell_end, extract_date) as date) as spell_end,
        spell_end is null as is_open,
        cast(extract_date as date) as extract_date,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(source_row as bigint) as source_row
    from current_rows
)

select * from renamed
