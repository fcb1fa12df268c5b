"""Asset group ``reference``: DWP reference data and employment evidence, loaded on demand.

Not for: validation rules (``contracts_schema``) or loading logic (``ingest.submit``).
"""

from pathlib import Path

import dagster as dg

from contracts_schema.registry import load_registry
from core.settings import paths


class ReferenceLoadConfig(dg.Config):
    """Where the department's extract lies: one ``{dataset}.csv`` per dataset."""

    folder: str


REFERENCE_DATASETS = [d.name for d in load_registry().reference]


@dg.multi_asset(
    name="reference_data",
    can_subset=False,
    specs=[
        dg.AssetSpec(
            ["lake", name],
            group_name="reference",
            kinds={"parquet"},
            description=f"Current DWP {name} in the lake (a load replaces the previous one whole).",
        )
        for name in REFERENCE_DATASETS
    ],
)
def reference_data(context: dg.AssetExecutionContext, config: ReferenceLoadConfig):
    """Load every dataset present in the folder through the same validation as provider files."""
    from ingest.submit import load_reference

    results = load_reference(
        Path(config.folder),
        submitted_by=f"dagster:{context.run_id[:8]}",
        paths=paths(),
        progress=context.log.info,
    )
    table = "\n".join(
        f"| {r.summary['return']} | {r.status} | {r.summary['rows_read']} | {r.summary['rows_rejected']} |"
        for r in results
    )
    rejected = [r.summary["return"] for r in results if r.status == "REJECTED"]
    if rejected:
        raise dg.Failure(
            description=f"reference datasets rejected: {', '.join(rejected)}; see their feedback reports",
            metadata={"rejected": ", ".join(rejected)},
        )
    loaded = {r.summary["return"]: r for r in results}
    for name in REFERENCE_DATASETS:
        result = loaded.get(name)
        metadata = (
            {
                "status": result.status,
                "rows_read": result.summary["rows_read"],
                "rows_rejected": result.summary["rows_rejected"],
            }
            if result
            else {"status": "not in this extract"}
        )
        yield dg.MaterializeResult(asset_key=["lake", name], metadata=metadata)
    context.log.info("reference loads:\n" + table)
