"""Asset group ``submissions``: provider files, each visible with its validation outcome.

``submission_ledger`` drains the landing folder through the one ingest path
(``ingest.landing.ingest_landing``) and refreshes the ledger snapshot that dbt
reads. Every submission, however it arrived (portal, API, ``mi submit``,
landing), then appears as a partition of ``provider_submission`` with its
counts and status as metadata and the ``validation_passed`` check.

Not for: validation itself (``ingest``), or deciding what is current (dbt).
"""

import dagster as dg

from contracts_schema.registry import RETURN_NAMES
from core.settings import paths

submission_partitions = dg.DynamicPartitionsDefinition(name="submission")
VALIDATION_CHECK = "validation_passed"


def _receipt_metadata(entry) -> dict:
    feedback = paths().feedback / entry.submission_id
    return {
        "ukprn": entry.ukprn or "",
        "return": entry.dataset,
        "period": entry.period or "",
        "status": entry.status,
        "file_name": entry.file_name,
        "rows_read": entry.rows_read,
        "rows_accepted": entry.rows_accepted,
        "rows_rejected": entry.rows_rejected,
        "warnings": entry.warnings,
        "superseded_by": entry.superseded_by or "",
        "feedback": dg.MetadataValue.path(str(feedback / "report.html")),
    }


def _check_evaluation(entry) -> dg.AssetCheckEvaluation:
    return dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey("provider_submission"),
        check_name=VALIDATION_CHECK,
        passed=entry.status in ("ACCEPTED", "DUPLICATE"),
        severity=dg.AssetCheckSeverity.ERROR if entry.status == "REJECTED" else dg.AssetCheckSeverity.WARN,
        metadata={"status": entry.status, "rows_rejected": entry.rows_rejected, "warnings": entry.warnings},
        partition=entry.submission_id,
    )


@dg.asset(
    group_name="submissions",
    partitions_def=submission_partitions,
    kinds={"python"},
    check_specs=[
        dg.AssetCheckSpec(
            VALIDATION_CHECK,
            asset="provider_submission",
            description="The file passed validation with no row rejected.",
        )
    ],
    description="One provider submission (partition = submission id): its ledger entry, "
    "counts and status, and a link to its feedback report.",
)
def provider_submission(context: dg.AssetExecutionContext):
    from ingest.ledger import Ledger

    with Ledger(paths()) as ledger:
        entry = ledger.get(context.partition_key)
    if entry is None:
        raise dg.Failure(description=f"submission {context.partition_key} is not in the ledger")
    yield dg.MaterializeResult(metadata=_receipt_metadata(entry))
    evaluation = _check_evaluation(entry)
    yield dg.AssetCheckResult(
        check_name=VALIDATION_CHECK,
        passed=evaluation.passed,
        severity=evaluation.severity,
        metadata=evaluation.metadata,
    )


@dg.multi_asset(
    name="submission_ledger",
    can_subset=False,
    specs=[
        dg.AssetSpec(
            ["lake", "ledger"],
            group_name="submissions",
            kinds={"parquet"},
            description="The submission ledger as dbt reads it (lake/_ledger/ledger.parquet).",
        )
    ]
    + [
        dg.AssetSpec(
            ["lake", name],
            group_name="submissions",
            kinds={"parquet"},
            description=(
                f"Accepted {name} rows of every submission, pseudonymised, one folder per submission."
            ),
        )
        for name in RETURN_NAMES
    ],
)
def submission_ledger(context: dg.AssetExecutionContext):
    """Submit every file waiting in the landing folder, then refresh the ledger snapshot."""
    from ingest.landing import ingest_landing
    from ingest.ledger import Ledger

    p = paths().ensure()
    landed = ingest_landing(p, progress=context.log.info)
    instance = context.instance
    known = set(instance.get_dynamic_partitions(submission_partitions.name))
    with Ledger(p) as ledger:
        ledger.export_parquet()
        entries = ledger.list()
    new = [e for e in entries if e.submission_id not in known]
    if new:
        instance.add_dynamic_partitions(submission_partitions.name, [e.submission_id for e in new])
    # Receipts for every submission not yet shown, in this one run: a run per file would
    # cost seconds each at quarter end, when hundreds arrive together.
    for entry in sorted(new, key=lambda e: e.received_at):
        context.log_event(
            dg.AssetMaterialization(
                asset_key="provider_submission",
                partition=entry.submission_id,
                metadata=_receipt_metadata(entry),
            )
        )
        context.log_event(_check_evaluation(entry))
    current = [e for e in entries if e.is_current]
    by_status: dict[str, int] = {}
    for e in entries:
        by_status[e.status] = by_status.get(e.status, 0) + 1
    for name in RETURN_NAMES:
        rows = sum(e.rows_accepted for e in current if e.dataset == name)
        yield dg.MaterializeResult(
            asset_key=["lake", name],
            metadata={
                "current_submissions": sum(1 for e in current if e.dataset == name),
                "dagster/row_count": rows,
            },
        )
    yield dg.MaterializeResult(
        asset_key=["lake", "ledger"],
        metadata={
            "submissions": len(entries),
            "current_submissions": len(current),
            "landed_this_run": len(landed),
            "new_this_run": len(new),
            "rows_current": sum(e.rows_accepted for e in current),
            "by_status": dg.MetadataValue.json(by_status),
            "ledger": dg.MetadataValue.path(str(p.ledger_parquet)),
        },
    )
