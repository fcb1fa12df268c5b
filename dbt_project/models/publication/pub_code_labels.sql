-- The open-data release's code_labels table: every code of every code list
-- with its plain-English label, as dim_code_labels has them. The release
-- keeps the lists its tables use.
-- Not for: which lists a release uses (publish/ decides from its tables).
select
    cast(list as {{ dbt.type_string() }}) as list,
    cast(code as {{ dbt.type_string() }}) as code,
    cast(label as {{ dbt.type_string() }}) as label
from {{ ref('dim_code_labels') }}
