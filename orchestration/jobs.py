"""Jobs, sensors and schedules: when the assets run.

Not for: what an asset does (``orchestration/assets``) or any business rule.
"""

from __future__ import annotations

import hashlib

import dagster as dg

from core.settings import paths
from orchestration.assets.reference import reference_data
from orchestration.assets.submissions import provider_submission, submission_ledger
from orchestration.assets.warehouse import analyst_warehouse, warehouse_models
from warehouse import last_good_build_ledger

#: Runs carrying this tag write the warehouse; the instance lets one of them run at a time.
WAREHOUSE_TAG = {"warehouse": "duckdb"}

ingest_and_build = dg.define_asset_job(
    "ingest_and_build",
    selection=dg.AssetSelection.assets(submission_ledger, warehouse_models, analyst_warehouse),
    tags=WAREHOUSE_TAG,
    description="Submit what waits in the landing folder, rebuild the warehouse with every dbt test, "
    "and swap in the analysts' copy if everything passed.",
)

load_reference_job = dg.define_asset_job(
    "load_reference",
    selection=dg.AssetSelection.assets(reference_data),
    description="Load a DWP reference extract (set the folder in the run config).",
)

submission_receipt_job = dg.define_asset_job(
    "submission_receipt",
    selection=dg.AssetSelection.assets(provider_submission),
    partitions_def=provider_submission.partitions_def,
    description="Re-show one submission's validation outcome (partition = submission id).",
)


def _landing_state() -> tuple[list[str], str | None]:
    from ingest.landing import pending_landing_files
    from ingest.ledger import Ledger

    p = paths()
    files = [f.name for f in pending_landing_files(p)]
    latest = None
    if p.ledger_db.exists():
        with Ledger(p) as ledger:
            latest = ledger.latest_received_at()
    return files, latest


@dg.sensor(
    job=ingest_and_build,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests a build when files land in MI_HOME/landing or new submissions reach the ledger "
    "(portal, API, mi submit).",
)
def new_submissions_sensor(context: dg.SensorEvaluationContext):
    """A run when files wait in the landing folder or the ledger moved past what was built or requested.

    The cursor is the ledger state of the last run requested; the last good build's
    own ledger state (recorded by ``warehouse``) counts too, so a build made by
    ``mi run`` or ``mi demo`` is not requested again when the UI starts with an
    empty cursor.
    """
    files, latest = _landing_state()
    state = "|".join(files) + "#" + (latest or "")
    built = last_good_build_ledger(paths())
    if not files and (latest is None or latest in (context.cursor, built)):
        return dg.SkipReason("no new files in the landing area and no new submissions")
    if state == context.cursor:
        return dg.SkipReason("already requested a run for this state")
    context.update_cursor(latest if not files else state)
    return dg.RunRequest(
        run_key=hashlib.sha256(state.encode()).hexdigest()[:16], tags={"trigger": "new_submissions"}
    )


definitions = dg.Definitions(
    jobs=[ingest_and_build, load_reference_job, submission_receipt_job],
    sensors=[new_submissions_sensor],
)
