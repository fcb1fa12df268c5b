-- One row per code of every code list: the provider-facing lists and every
-- status, reason and band the marts give out, with a plain-English label. The
-- labels are defined once, in contracts_schema/definitions/, and reach the
-- warehouse as the generated seed code_labels.
select
    cast(list as {{ dbt.type_string() }}) as list,
    cast(code as {{ dbt.type_string() }}) as code,
    cast(label as {{ dbt.type_string() }}) as label,
    cast(description as {{ dbt.type_string() }}) as description,
    cast(sort_order as int) as sort_order
from {{ ref('code_labels') }}
