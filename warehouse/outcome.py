"""What a warehouse build did, read from dbt's artefacts, and the one text that tells a failure.

Every build, whichever way it ran dbt (in this process, in a child process for
Spark, or as dagster-dbt's CLI from the Dagster asset), leaves
``run_results.json`` and ``manifest.json`` in the build's target folder.
:func:`read_nodes` turns them into one :class:`NodeOutcome` per node, and
:func:`failure_report` turns a failed :class:`BuildResult` into the message a
data engineer reads at the terminal, in the Dagster UI and in tests alike: the
failing test or model, its file, the model and column it tests, dbt's reason,
the first failing rows, and the marts the failure kept from being built.

Not for: running dbt (``warehouse.dbt_invoke``, ``warehouse.dbt_process``),
preparing or finishing a build (``warehouse.build``), or SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# dbt statuses that mean "this node did not do its job"; warn is a pass with a remark
FAILED_STATUSES = {"error", "fail", "runtime error"}


@dataclass(frozen=True)
class NodeOutcome:
    """What happened to one dbt node (model, seed, data test, unit test, exposure)."""

    unique_id: str
    resource_type: str
    name: str
    status: str
    message: str | None = None
    failures: int | None = None
    path: str | None = None
    tested_model: str | None = None
    column: str | None = None
    compiled_path: str | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES

    def describe(self) -> str:
        """One line a data engineer can act on: what failed, where it is defined, why."""
        kind = {"test": "data test", "unit_test": "unit test"}.get(self.resource_type, self.resource_type)
        where = f" ({self.path})" if self.path else ""
        subject = ""
        if self.tested_model:
            subject = f" on {self.tested_model}" + (f".{self.column}" if self.column else "")
        reason = (self.message or self.status).strip().replace("\n", " ")
        if len(reason) > 400:
            reason = reason[:400] + " ..."
        line = f"{kind} {self.name}{subject}{where}: {reason}"
        if self.resource_type == "test" and self.compiled_path:
            line += f" -- failing rows: run {self.compiled_path} against the build database"
        return line


class WarehouseBuildError(RuntimeError):
    """A build that did not succeed; ``result`` holds every node's outcome."""

    def __init__(self, result: BuildResult) -> None:
        super().__init__(result.error or "warehouse build failed")
        self.result = result


@dataclass
class BuildResult:
    """The outcome of one warehouse build (``warehouse.build.finish_build``)."""

    ok: bool
    build_database: Path
    analyst_copy: Path | None = None
    elapsed_seconds: float = 0.0
    nodes: list[NodeOutcome] = field(default_factory=list)
    error: str | None = None
    log_file: Path | None = None
    #: ``duckdb`` or ``spark``; on Spark ``build_database`` is the Spark warehouse folder.
    engine: str = "duckdb"

    @property
    def failures(self) -> list[NodeOutcome]:
        return [node for node in self.nodes if node.failed]

    @property
    def skipped(self) -> list[NodeOutcome]:
        return [node for node in self.nodes if node.status == "skipped"]

    @property
    def warnings(self) -> list[NodeOutcome]:
        return [node for node in self.nodes if node.status == "warn"]

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for node in self.nodes:
            totals[node.resource_type] = totals.get(node.resource_type, 0) + 1
        return totals

    def summary(self) -> str:
        counts = ", ".join(f"{n} {kind}s" for kind, n in sorted(self.counts().items()))
        state = "succeeded" if self.ok else "FAILED"
        on = "" if self.engine == "duckdb" else f" on {self.engine}"
        text = f"warehouse build{on} {state} in {self.elapsed_seconds:.1f}s ({counts or 'nothing ran'})"
        if self.warnings:
            text += f"; {len(self.warnings)} warning(s)"
        if self.analyst_copy:
            text += f"; analysts' copy published at {self.analyst_copy}"
        return text

    def raise_for_failure(self) -> BuildResult:
        if not self.ok:
            raise WarehouseBuildError(self)
        return self

    def __bool__(self) -> bool:
        return self.ok


def read_nodes(target_path: Path, project_dir: Path) -> list[NodeOutcome]:
    """Every node dbt ran, from ``run_results.json`` and ``manifest.json`` in ``target_path``.

    Empty when dbt stopped before running anything (it then writes no run
    results). ``project_dir`` anchors a relative ``compiled_path``.
    """
    results_path = target_path / "run_results.json"
    if not results_path.exists():
        return []
    results = json.loads(results_path.read_text(encoding="utf-8"))["results"]
    manifest_path = target_path / "manifest.json"
    manifest: dict[str, Any] = {}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    known: dict[str, dict[str, Any]] = {}
    for section in ("nodes", "unit_tests", "exposures", "sources"):
        known.update(manifest.get(section) or {})
    return [_node_outcome(result, known.get(result["unique_id"], {}), project_dir) for result in results]


def _node_outcome(result: dict[str, Any], node: dict[str, Any], project_dir: Path) -> NodeOutcome:
    unique_id = result["unique_id"]
    # unique_id is "<kind>.<project>.<name>[.<hash>]": a fallback when the manifest lacks the node
    parts = unique_id.split(".")
    resource = str(node.get("resource_type") or parts[0]).lower()
    tested_model = None
    if node.get("attached_node"):
        tested_model = node["attached_node"].split(".")[-1]
    elif resource == "unit_test":
        tested_model = node.get("model")
    compiled = node.get("compiled_path")
    if compiled and not Path(compiled).is_absolute():
        compiled = str(project_dir / compiled)
    return NodeOutcome(
        unique_id=unique_id,
        resource_type=resource,
        name=node.get("name") or (parts[2] if len(parts) > 2 else unique_id),
        status=str(result.get("status") or "").lower(),
        message=result.get("message"),
        failures=result.get("failures"),
        path=node.get("original_file_path"),
        tested_model=tested_model,
        column=node.get("column_name"),
        compiled_path=compiled,
        seconds=float(result.get("execution_time") or 0.0),
    )


def failure_report(result: BuildResult, analyst_copy: Path, exception: str | None) -> str:
    """The message of a failed build: what failed, where, why, on which rows, and what it held back."""
    copy_state = (
        f"the analysts' copy was left as it was ({analyst_copy})"
        if analyst_copy.exists()
        else "no analysts' copy was published"
    )
    on = "" if result.engine == "duckdb" else f" on {result.engine}"
    lines = [f"Warehouse build{on} failed; {copy_state}."]
    if exception is not None:
        lines.append(f"dbt stopped before running the project: {exception}")
    failures = result.failures
    if failures:
        lines.append(f"{len(failures)} node(s) failed:")
        for node in failures:
            lines.append(f"  - {node.describe()}")
            sample = failing_rows(node, result.build_database) if result.engine == "duckdb" else None
            if sample:
                lines.append(f"    first failing rows: {sample}")
    skipped = result.skipped
    if skipped:
        # the marts are what analysts and the release read: name every one kept from them
        marts = sorted(
            n.name for n in skipped if n.resource_type == "model" and n.name.startswith(("fct_", "mart_"))
        )
        others = len(skipped) - len(marts)
        lines.append(
            f"{len(skipped)} node(s) downstream were skipped because of them"
            + (f", among them the marts {', '.join(marts)}" if marts else "")
            + (f" (and {others} other models and tests)" if marts and others else "")
            + "."
        )
    if not failures and exception is None:
        lines.append("dbt reported failure without a failing node; see the log.")
    if result.build_database.exists():
        what = "Build database" if result.engine == "duckdb" else "Spark warehouse folder"
        lines.append(f"{what} (for inspection): {result.build_database}")
    if result.log_file:
        lines.append(f"Full dbt log: {result.log_file}")
    return "\n".join(lines)


def failing_rows(node: NodeOutcome, database: Path, limit: int = 3) -> str | None:
    """The first rows a failed data test returned, so the message shows the bad values.

    Best effort: any problem reading them leaves the message without a sample.
    The warehouse holds no clear personal data (NINOs are pseudonymised at
    ingest), so echoing rows here is safe.
    """
    if node.resource_type != "test" or not node.compiled_path or not database.exists():
        return None
    try:
        import duckdb

        sql = Path(node.compiled_path).read_text().strip().rstrip(";")
        connection = duckdb.connect(str(database), read_only=True)
        try:
            cursor = connection.execute(f"select * from (\n{sql}\n) as failing_rows limit {limit}")
            names = [column[0] for column in cursor.description]
            found = [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]
        finally:
            connection.close()
    except Exception:
        return None
    text = "; ".join(", ".join(f"{k}={v!r}" for k, v in row.items()) for row in found)
    return text[:500] + (" ..." if len(text) > 500 else "") if text else None
