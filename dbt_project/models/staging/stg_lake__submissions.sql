-- The ledger as the warehouse sees it: one row per submission received.
select
    cast(submission_id as {{ dbt.type_string() }}) as submission_id,
    cast(dataset as {{ dbt.type_string() }}) as dataset,
    cast(kind as {{ dbt.type_string() }}) as kind,
    cast(ukprn as {{ dbt.type_string() }}) as ukprn,
    cast(period as {{ dbt.type_string() }}) as period,
    cast(file_name as {{ dbt.type_string() }}) as file_name,
    file_timestamp,
    cast(sha256 as {{ dbt.type_string() }}) as sha256,
    received_at,
    cast(rows_read as bigint) as rows_read,
    cast(rows_accepted as bigint) as rows_accepted,
    cast(rows_rejected as bigint) as rows_rejected,
    cast(warnings as bigint) as warnings,
    cast(status as {{ dbt.type_string() }}) as status,
    cast(superseded_by as {{ dbt.type_string() }}) as superseded_by,
    cast(is_current as boolean) as is_current,
    cast(submitted_by as {{ dbt.type_string() }}) as submitted_by,
    cast(channel as {{ dbt.type_string() }}) as channel
from {{ lake_source('ledger') }}
