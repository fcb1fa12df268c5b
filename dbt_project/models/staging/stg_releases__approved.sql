-- Every approved release (period and version): those whose folder
-- releases/{period}/v{n}/ exists. Read from the file system, because the
-- release's own folder is what makes it approved; a candidate waiting in the
-- staging area or a promotion killed half-way has no such folder.
{{ config(pre_hook="{{ approved_release_manifests_view() }}") }}

with

manifests as (
    {{ approved_release_manifests() }}
),

parsed as (
    select
        regexp_extract(manifest_path, '/([0-9]{4}Q[1-4])/v([0-9]+)/MANIFEST[.]sha256$', 1) as release_period,
        regexp_extract(manifest_path, '/([0-9]{4}Q[1-4])/v([0-9]+)/MANIFEST[.]sha256$', 2) as release_version
    from manifests
)

select distinct
    cast(release_period as {{ dbt.type_string() }}) as release_period,
    cast(release_version as int) as release_version
from parsed
where release_period <> ''
