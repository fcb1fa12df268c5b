"""The one Dagster code location: ``defs``, assembled from the asset groups and the jobs.

Kept tiny on purpose (dagster-open-platform style): the assets live in
``orchestration/assets``, when they run in ``orchestration/jobs.py`` and
``orchestration/assets/publication.py``. Importing this module reads no data and runs
no dbt; the dbt manifest is prepared at build time (``make``).
"""

from __future__ import annotations

import dagster as dg

from orchestration import jobs
from orchestration.assets import publication, reference, submissions, warehouse
from orchestration.resources import dbt_resource

defs = dg.Definitions.merge(
    dg.Definitions(
        assets=dg.load_assets_from_modules([reference, submissions, warehouse]),
        resources={"dbt": dbt_resource()},
    ),
    jobs.definitions,
    publication.definitions,
)
