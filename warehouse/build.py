"""Build the warehouse with dbt, and publish the analysts' copy of a good build.

This module runs ``dbt build`` on ``dbt_project/`` in-process, against the
build database ``MI_HOME/warehouse/build/mi.duckdb`` (only dbt writes it), and
after a fully successful build copies that file over the analysts' read-only
copy ``MI_HOME/warehouse/mi.duckdb`` atomically: an analyst's open connection
keeps reading the old file, a new one opens the new file, nobody ever sees a
half-built warehouse, and a failed build leaves the copy exactly as it was.

A file lock under ``MI_HOME/warehouse/`` keeps two builds (or a build and a
publish) from overlapping, whether they come from threads of one process or
from several processes; Dagster's run-queue limit is the other half of the
one-writer rule (``orchestration/instance.py``).

The engine is DuckDB unless ``MI_WAREHOUSE=spark`` (or ``engine="spark"``)
says otherwise: the same project then builds with dbt-spark into
``MI_HOME/spark`` (docs/scale.md). A Spark build runs dbt in a child process
(``warehouse.dbt_process``), because the JVM it starts keeps its warehouse
folder and metastore until its process ends. There is no analysts' DuckDB
copy of a Spark build; analysts query Spark's tables.

Not for: SQL or business rules (they are dbt models and seeds), deciding when
to build (``orchestration/``), or reading the lake
(ingest writes it, dbt reads it).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.settings import Paths
from core.settings import paths as default_paths
from ingest.lake import ensure_lake

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

Progress = Callable[[str], None]

# dbt statuses that mean "this node did not do its job"; warn is a pass with a remark
FAILED_STATUSES = {"error", "fail", "runtime error"}
COPY_CHUNK = 16 * 1024 * 1024

#: Engines the dbt project builds on (targets of dbt_project/profiles.yml); the first is the default.
ENGINES = ("duckdb", "spark")


class WarehouseBuildError(RuntimeError):
    """A build that did not succeed; ``result`` holds every node's outcome."""

    def __init__(self, result: BuildResult) -> None:
        super().__init__(result.error or "warehouse build failed")
        self.result = result


class WarehouseBusy(RuntimeError):
    """Another build or publish holds the warehouse lock and did not finish in time."""


@dataclass(frozen=True)
class NodeOutcome:
    """What happened to one dbt node (model, seed, data test or unit test)."""

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


@dataclass
class BuildResult:
    """The outcome of one ``build_warehouse`` call."""

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
        on = "" if self.engine == ENGINES[0] else f" on {self.engine}"
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


def build_warehouse(
    paths: Paths | None = None,
    engine: str | None = None,
    *,
    select: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    progress: Progress | None = None,
    publish: bool | None = None,
    lock_timeout: float | None = None,
) -> BuildResult:
    """Run ``dbt build`` and, when every model and test passed, publish the analysts' copy.

    Args:
        paths: the MI_HOME layout; ``core.settings.paths()`` when omitted.
        engine: ``duckdb`` or ``spark``; ``MI_WAREHOUSE`` when omitted, else
            DuckDB. Spark's state (tables, metastore, dbt's artefacts) lives
            under ``MI_HOME/spark``.
        select: dbt ``--select`` criteria; a partial build, which by default
            does not publish (a subset of models is not a whole warehouse).
        exclude: dbt ``--exclude`` criteria, e.g. ``"resource_type:unit_test"``.
        progress: called with one human-readable line per built model or seed,
            per failing or warning test, and a closing summary.
        publish: replace the analysts' copy after success; default: only for a
            full DuckDB build (never on Spark: it has no DuckDB file to copy).
        lock_timeout: seconds to wait for another build to finish; ``None``
            waits as long as it takes.

    Returns:
        A :class:`BuildResult`; ``ok`` is false when any model, seed or test
        failed, and ``error`` names each failing node. Call
        ``raise_for_failure()`` to turn that into a :class:`WarehouseBuildError`.

    Notes:
        A full build starts from an empty build database (on Spark: an empty
        warehouse folder and metastore), so a model removed from the project
        cannot linger in the analysts' copy. The previous analysts' copy is
        never touched by a failed build.
    """
    paths = paths or default_paths()
    engine = warehouse_engine(engine)
    say = _safe(progress)
    full_build = select is None and exclude is None
    if engine == "spark" and publish:
        raise ValueError(
            "the analysts' copy is a DuckDB file and a Spark build makes none; "
            "on Spark analysts query the tables through a Thrift server (docs/scale.md)"
        )
    publish = (full_build and engine == "duckdb") if publish is None else publish
    build_db = build_database(paths) if engine == "duckdb" else spark_home(paths) / "warehouse"
    build_dir = build_db.parent
    # big sorts and joins spill here: DuckDB's temp_directory, Spark's spark.local.dir (profiles.yml)
    (build_dir / "tmp").mkdir(parents=True, exist_ok=True)
    log_file = build_dir / "logs" / "dbt.log"

    with warehouse_lock(paths, timeout=lock_timeout):
        started = time.monotonic()
        if not paths.ledger_parquet.exists():
            error = (
                f"no ledger snapshot at {paths.ledger_parquet}: nothing has been ingested into "
                f"this MI_HOME yet (load reference data and submit returns first)"
            )
            say(error)
            return BuildResult(ok=False, build_database=build_db, error=error, engine=engine)
        # a home made before the published-ratings dataset existed gets its empty state
        ensure_lake(paths)
        paths.releases.mkdir(parents=True, exist_ok=True)
        if full_build:
            if engine == "duckdb":
                _remove_database(build_db)
            else:
                _remove_spark_state(spark_home(paths))
        args = _dbt_args(build_dir, select, exclude, engine)
        with _dbt_environment(paths, engine):
            if engine == "duckdb":
                outcome = _invoke_dbt(args, say)
                nodes: list[NodeOutcome] = []
                if outcome.result is not None and hasattr(outcome.result, "results"):
                    nodes = [_node_outcome(r) for r in outcome.result.results]
                success, exception = bool(outcome.success), outcome.exception
            else:
                from warehouse.dbt_process import invoke_dbt_in_child

                success, nodes, exception = invoke_dbt_in_child(args, say, build_dir)
        elapsed = time.monotonic() - started
        result = BuildResult(
            ok=success and not any(n.failed for n in nodes),
            build_database=build_db,
            elapsed_seconds=elapsed,
            nodes=nodes,
            log_file=log_file,
            engine=engine,
        )
        if not result.ok:
            result.error = _failure_report(result, paths, exception)
            say(result.error)
            return result
        if publish:
            result.analyst_copy = _publish(paths)
        say(result.summary())
        return result


def publish_analyst_copy(paths: Paths | None = None, *, lock_timeout: float | None = None) -> Path:
    """Replace the analysts' copy with the current build database, atomically.

    For callers that build with dbt themselves (the Dagster assets) and
    publish as a separate step. Only call it after a successful build: it
    copies whatever the build database holds.

    Refused when ``MI_WAREHOUSE=spark``: the build database would then be an
    older DuckDB build, not the one that just ran.
    """
    paths = paths or default_paths()
    if warehouse_engine() != "duckdb":
        raise ValueError(
            "MI_WAREHOUSE=spark: the warehouse is built on Spark, which makes no DuckDB file "
            "to publish; analysts query Spark's tables (docs/scale.md)"
        )
    with warehouse_lock(paths, timeout=lock_timeout):
        return _publish(paths)


def build_database(paths: Paths) -> Path:
    """dbt's working database: ``MI_HOME/warehouse/build/mi.duckdb``."""
    return paths.warehouse_dir / "build" / "mi.duckdb"


def warehouse_engine(engine: str | None = None) -> str:
    """The engine a build runs on: ``engine``, else ``MI_WAREHOUSE``, else ``duckdb``."""
    chosen = (engine or os.environ.get("MI_WAREHOUSE") or ENGINES[0]).strip().lower()
    if chosen not in ENGINES:
        raise ValueError(
            f"unknown warehouse engine {chosen!r} (MI_WAREHOUSE): use one of {', '.join(ENGINES)}"
        )
    return chosen


def spark_home(paths: Paths) -> Path:
    """All the Spark target keeps: ``MI_HOME/spark`` (warehouse/, metastore_db/, derby.log, tmp/, dbt's target/, logs/)."""
    return paths.home / "spark"


@contextlib.contextmanager
def warehouse_lock(paths: Paths, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the exclusive warehouse lock (``MI_HOME/warehouse/.build.lock``).

    Notes:
        ``flock`` locks belong to an open file description, so two threads of
        one process that each open the file exclude each other just as two
        processes do. The lock is released by the kernel if the holder dies.
    """
    paths.warehouse_dir.mkdir(parents=True, exist_ok=True)
    lock_path = paths.warehouse_dir / ".build.lock"
    with open(lock_path, "a+") as handle:
        if timeout is None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        else:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WarehouseBusy(f"another warehouse build holds {lock_path}") from None
                    time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# -- internals -------------------------------------------------------------------------


def _publish(paths: Paths) -> Path:
    source = build_database(paths)
    if not source.exists():
        raise FileNotFoundError(f"no build database at {source}: build the warehouse first")
    _checkpoint(source)
    target = paths.warehouse
    target.parent.mkdir(parents=True, exist_ok=True)
    # under the lock, a leftover temporary copy can only be a crash's debris
    for debris in target.parent.glob(".mi.duckdb.*.tmp"):
        debris.unlink(missing_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=".mi.duckdb.", suffix=".tmp", delete=False)
    tmp = Path(handle.name)
    try:
        with handle, open(source, "rb") as src:
            _copy_whole_file(src, handle)
            handle.flush()
            os.fsync(handle.fileno())
        # read-only on disk too, so nobody opens the analysts' copy for writing by accident
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return target


def _copy_whole_file(src, dst) -> None:
    """Copy an open file into another from the start, in the kernel where it can.

    Notes:
        ``copy_file_range`` copies without a trip through user space (and
        shares blocks where the filesystem can): the national warehouse's
        1.2 GB in 0.5-0.8 s here instead of 1.5-3.3 s through 16 MB buffers,
        the history world's 4.8 GB accordingly. Where the call is missing or
        refused (another filesystem, an older kernel) the rest is copied
        through buffers, from where the kernel stopped.
    """
    size = os.fstat(src.fileno()).st_size
    copied = 0
    try:
        while copied < size:
            count = os.copy_file_range(src.fileno(), dst.fileno(), size - copied)
            if count == 0:
                break
            copied += count
    except (AttributeError, OSError):
        pass
    src.seek(copied)
    dst.seek(copied)
    shutil.copyfileobj(src, dst, COPY_CHUNK)


def _checkpoint(database: Path) -> None:
    """Fold a leftover write-ahead log into the file; the copy takes the file alone."""
    wal = database.with_name(database.name + ".wal")
    if not wal.exists():
        return
    import duckdb

    connection = duckdb.connect(str(database))
    try:
        connection.execute("checkpoint")
    finally:
        connection.close()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_database(database: Path) -> None:
    for stale in (database, database.with_name(database.name + ".wal")):
        stale.unlink(missing_ok=True)


def _remove_spark_state(home: Path) -> None:
    """Spark's equivalent of deleting the build database: its tables and the metastore that lists them.

    dbt's target/ stays (partial parsing). Safe under the warehouse lock: the
    embedded Derby metastore admits one process, and that is the build's own.
    """
    for stale in (home / "warehouse", home / "metastore_db", home / "tmp"):
        shutil.rmtree(stale, ignore_errors=True)
    (home / "derby.log").unlink(missing_ok=True)
    (home / "tmp").mkdir(parents=True, exist_ok=True)


@contextlib.contextmanager
def _dbt_environment(paths: Paths, engine: str = "duckdb") -> Iterator[None]:
    """The variables profiles.yml and the sources read; restored afterwards.

    dbt reads them from ``os.environ`` of this process (a Spark build's child
    inherits them), so they are set here for the duration of the invocation
    (under the warehouse lock).
    """
    build_dir = build_database(paths).parent
    wanted = {
        # absolute: Spark's metastore, warehouse and scratch folders hang off MI_HOME
        "MI_HOME": str(paths.home.resolve()),
        "MI_LAKE": str(paths.lake.resolve()),
        "MI_WAREHOUSE": engine,
        "MI_WAREHOUSE_BUILD": str(build_database(paths)),
        "MI_WAREHOUSE_TEMP": str(build_dir / "tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DO_NOT_TRACK": "1",
    }
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _dbt_args(build_dir: Path, select, exclude, engine: str = "duckdb") -> list[str]:
    args = [
        "build",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target",
        engine,
        # dbt's artefacts and logs stay under MI_HOME: the repository stays clean
        # and two MI_HOMEs never share a partial-parse cache
        "--target-path",
        str(build_dir / "target"),
        "--log-path",
        str(build_dir / "logs"),
        # the console stays quiet; progress lines come from the callback, the
        # full log is in build/logs/dbt.log
        "--log-level",
        "none",
        "--log-level-file",
        "info",
        "--no-use-colors",
        "--no-send-anonymous-usage-stats",
    ]
    for flag, value in (("--select", select), ("--exclude", exclude)):
        if value:
            args += [flag, *([value] if isinstance(value, str) else list(value))]
    # mart_build_info says which code built the warehouse
    args += ["--vars", json.dumps({"code_version": code_version()})]
    return args


@functools.cache
def code_version() -> str:
    """The git commit of this checkout (``-dirty`` with uncommitted changes), else the package version.

    Notes:
        Cached per process: dbt re-parses the whole project when a var
        changes, so the value must not move between builds of one process.
    """
    root = DBT_PROJECT_DIR.parent
    try:

        def git(*arguments: str) -> str:
            return subprocess.run(
                ["git", "-C", str(root), *arguments], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()

        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("mi-warehouse")
        except PackageNotFoundError:
            return "unknown"


def _invoke_dbt(args: list[str], say: Progress):
    from dbt.cli.main import dbtRunner

    def on_event(event) -> None:
        if event.info.name != "NodeFinished":
            return
        info = event.data.node_info
        resource = info.resource_type
        status = info.node_status
        if resource in ("model", "seed", "snapshot") or status not in ("pass", "success"):
            relation = info.node_relation
            where = (
                f"{relation.schema}.{relation.alias}"
                if resource in ("model", "seed") and relation.alias
                else info.node_name
            )
            say(f"{status}: {resource.replace('_', ' ')} {where}")

    try:
        return dbtRunner(callbacks=[on_event]).invoke(args)
    finally:
        _release_duckdb()


def _release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open after an in-process run.

    Notes:
        dbt-duckdb caches one environment (and its open database) per process
        and only forgets it at interpreter exit. Left open, the build file may
        still have committed data in its write-ahead log, the next full build
        would delete a file that is still open, and the copy for analysts could
        miss data. Private API of dbt-duckdb 1.11 (pinned); the test
        ``test_a_build_leaves_no_database_open`` guards it.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if environment is not None:
            environment.close()


def _node_outcome(run_result) -> NodeOutcome:
    node = run_result.node
    resource = str(getattr(node, "resource_type", "")).split(".")[-1].lower()
    tested_model = None
    attached = getattr(node, "attached_node", None)
    if attached:
        tested_model = attached.split(".")[-1]
    elif resource == "unit_test":
        tested_model = getattr(node, "model", None)
    compiled = getattr(node, "compiled_path", None)
    if compiled and not Path(compiled).is_absolute():
        compiled = str(DBT_PROJECT_DIR / compiled)
    status = str(getattr(run_result.status, "value", run_result.status)).lower()
    return NodeOutcome(
        unique_id=node.unique_id,
        resource_type=resource,
        name=node.name,
        status=status,
        message=run_result.message,
        failures=run_result.failures,
        path=getattr(node, "original_file_path", None),
        tested_model=tested_model,
        column=getattr(node, "column_name", None),
        compiled_path=compiled,
        seconds=float(run_result.execution_time or 0.0),
    )


def _failure_report(result: BuildResult, paths: Paths, exception: BaseException | str | None) -> str:
    copy_state = (
        f"the analysts' copy {paths.warehouse} was left as it was"
        if paths.warehouse.exists()
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
            sample = _failing_rows(node, result.build_database) if result.engine == "duckdb" else None
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


def _failing_rows(node: NodeOutcome, database: Path, limit: int = 3) -> str | None:
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


def _safe(progress: Progress | None) -> Progress:
    """A progress callback that can never break a build."""

    def say(line: str) -> None:
        if progress is None:
            return
        try:
            progress(line)
        except Exception:
            pass

    return say
