"""The quarterly open-data release: disclosure-controlled open data from the warehouse.

From the analysts' copy of the last good warehouse build to a permanent,
disclosure-controlled, quality-gated release folder ``releases/{period}/v{n}/``.
The API is :mod:`publish.release` (``prepare_release``, ``approve_release``,
``list_releases``); ``mi publish`` is :mod:`publish.cli`.

Modules, in the order a release is made:

- ``parameters`` (+ ``parameters.yaml``): disclosure thresholds, formats, package metadata;
- ``figures``: the true figures, one period of each ``pub_*`` model of the warehouse;
- ``definitions``: the published tables and columns, the one definition of every file;
- ``dbt_descriptions``: the columns' words, from dbt's manifest;
- ``disclosure_control`` and ``release_tables``: true figures to published cells;
- ``disclosure_attack``: the release's attack on itself (rates from counts, subtraction), which
  ``release_tables`` answers with complementary suppression and the gate repeats on the files;
- ``writers``: byte-stable CSV, Parquet (with marker columns) and JSON;
- ``datapackage``, ``methodology``, ``revisions``, ``manifest``: the other files;
- ``quality_gate`` (``gate_checks``, ``gate_frames``, ``gate_types``, ``quality_report``):
  Great Expectations on the files as written, and its report;
- ``release``: the workflow (candidate, approval), with ``records`` (the workflow records and
  folders), ``promotion`` (the atomic rename, the published ratings written before it),
  ``published_ratings`` (the lake dataset) and ``errors`` (why an operation was refused).

Not for: measures, or shaping the published tables (which contracts, which
rows, window and national totals): those are dbt models, the release's in
``dbt_project/models/publication`` (``pub_*``). Nothing here computes what the
warehouse can. Importing this package imports nothing heavy.
"""
