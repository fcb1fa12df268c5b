-- Every approved release (period and version): those whose folder
-- releases/{period}/v{n}/ exists. Read from the file system, because the
-- release's own folder is what makes it approved; a candidate waiting in the
-- staging area or a promotion killed half-way has no such folder.
{{ config(pre_hook='{{ approved_release_manifests_view() }}') }}

with

manifests as (
    {{ approved_release_manifests() }}
),

parsed as (
    select
        regexp_extract(manifest_path, {{ release_manifest_pattern() }}, 1) as release_period,
        regexp_extract(manifest_path, {{ release_manifest_pattern() }}, 2) as release_version
    from manifests
)

select distinct
    cast(release_period as {{ dbt.type_string() }}) as release_period,
    cast(release_version as int) as release_version
from parsed
where release_period <> ''
