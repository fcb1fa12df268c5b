{#
    Which releases are approved: a release is approved exactly when its folder
    MI_HOME/releases/{period}/v{n}/ exists (approval renames it into place as
    its last step, and MANIFEST.sha256 is in every release). The published
    ratings of a release count only then, so a crash between writing the
    published-ratings dataset and renaming the release leaves nothing
    half-published.

    `approved_release_manifests()` is a query of one column, manifest_path,
    the path of every approved release's MANIFEST.sha256. Engines list files
    differently, hence the dispatch:

    * DuckDB: its glob() table function (no match is an empty result).
    * Spark: a glob in a path fails when nothing matches, so the model's
      pre-hook `approved_release_manifests_view()` registers a temporary view
      over the releases folder (binaryFile, recursive, MANIFEST.sha256 only;
      the build runner creates the folder), which is empty before any
      release. Only paths are read, never the files' bytes.
#}

{% macro releases_root() -%}
    {{ return(env_var('MI_RELEASES', env_var('MI_HOME', 'var') ~ '/releases')) }}
{%- endmacro %}

{% macro approved_release_manifests() -%}
    {{ return(adapter.dispatch('approved_release_manifests')()) }}
{%- endmacro %}

{% macro default__approved_release_manifests() -%}
    select file as manifest_path from glob('{{ releases_root() }}/*/v*/MANIFEST.sha256')
{%- endmacro %}

{% macro spark__approved_release_manifests() -%}
    select path as manifest_path from approved_release_manifests
{%- endmacro %}

{% macro approved_release_manifests_view() -%}
    {{ return(adapter.dispatch('approved_release_manifests_view')()) }}
{%- endmacro %}

{# DuckDB needs no view: a statement that does nothing. #}
{% macro default__approved_release_manifests_view() -%}
    select 1 as nothing_to_prepare
{%- endmacro %}

{% macro spark__approved_release_manifests_view() -%}
    create or replace temporary view approved_release_manifests
    using binaryFile
    options (path '{{ releases_root() }}', recursiveFileLookup 'true', pathGlobFilter 'MANIFEST.sha256')
{%- endmacro %}

{# The part of a manifest's path that names its release: /{period}/v{n}/MANIFEST.sha256 at the end. #}
{% macro release_manifest_pattern() -%}
    '/([0-9]{4}Q[1-4])/v([0-9]+)/MANIFEST[.]sha256$'
{%- endmacro %}
