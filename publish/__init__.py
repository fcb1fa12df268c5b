"""The quarterly open-data release (publication spec, ``shared/spec/03-publication.md``).

From the analysts' copy of the last good warehouse build to a permanent,
disclosure-controlled, quality-gated release folder ``releases/{period}/v{n}/``.
The API is :mod:`publish.release` (``prepare_release``, ``approve_release``,
``list_releases``); ``mi publish`` is :mod:`publish.cli`.

Modules, in the order a release is made:

- ``parameters`` (+ ``parameters.yaml``): disclosure thresholds, formats, coverage, package metadata;
- ``figures``: the true figures, read from the warehouse (all the SQL);
- ``definitions``: the published tables and columns, the one definition of every file;
- ``disclosure_control`` and ``release_tables``: true figures to published cells;
- ``writers``: byte-stable CSV, Parquet and JSON;
- ``datapackage``, ``methodology``, ``revisions``, ``manifest``: the other files;
- ``quality_gate``: Great Expectations on the files as written;
- ``release``: the workflow (candidate, approval, promotion, records).

Not for: measures (they are dbt models) or anything the warehouse computes.
Importing this package imports nothing heavy.
"""
