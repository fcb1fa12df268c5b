"""The one way the warehouse is built: prepare a build, let dbt run, finish it.

Every build goes through :func:`prepare_build` and :func:`finish_build`,
whoever runs dbt in between: :func:`build_warehouse` (tests, benchmarks, the
Spark engine) runs it with dbt's programmatic runner, the Dagster asset
``warehouse_models`` (``mi run``, the UI, the sensor) through dagster-dbt's
CLI so that each model and test streams into the UI.

:func:`prepare_build` holds the warehouse lock (``MI_HOME/warehouse/.build.lock``,
re-entrant within a thread) for as long as its ``with`` block lasts; checks
there is something to build; empties the build database of a full build
(``MI_HOME/warehouse/build/mi.duckdb``; on Spark the warehouse folder and
metastore under ``MI_HOME/spark``), so a model removed from the project
cannot linger in the warehouse; clears the previous run's results; sets the
environment ``dbt_project/profiles.yml`` and the sources read; and gives the
dbt arguments: the project, the target, the target folder ``<build
folder>/target``, the log folder ``<build folder>/logs``, and the vars
(``code_version``, which ``mart_build_info`` shows).

:func:`finish_build`, still inside that block, reads what every node did
from dbt's artefacts (``warehouse.outcome``), and then either writes the one
failure report (failing test, model, column, first failing rows, the marts it
held back) or, for a whole build that passed every blocking test, copies the
build database over the analysts' read-only copy ``MI_HOME/warehouse/mi.duckdb``
atomically and records it as the last good build, with the ledger state it was
built from (``MI_HOME/warehouse/build/.last_good_build``). An analyst's open connection
keeps reading the old file, a new one opens the new file, nobody ever sees a
half-built warehouse, and a failed build leaves the copy exactly as it was.
:func:`publish_analyst_copy` publishes the last good build again, and refuses
anything else.

The engine is DuckDB unless ``MI_WAREHOUSE=spark`` (or ``engine="spark"``)
says otherwise: the same project then builds with dbt-spark into
``MI_HOME/spark`` (docs/scale.md), in a child process
(``warehouse.dbt_process``) because the JVM it starts keeps its warehouse
folder and metastore until its process ends. There is no analysts' DuckDB
copy of a Spark build; analysts query Spark's tables.

``MI_DBT_PROJECT_DIR`` points a build at another copy of the dbt project (a
test's trimmed copy, a change tried out); unset, it is ``dbt_project/``.

Not for: SQL or business rules (they are dbt models and seeds), deciding when
to build (``orchestration/``), reading the lake (ingest writes it, dbt reads
it), or wording a failure (``warehouse.outcome``).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.files import LockBusy, exclusive_lock, fsync_dir, temporary_sibling, write_text_atomically
from core.settings import DBT_PROJECT_DIR, REPO_ROOT, Paths
from core.settings import paths as default_paths
from ingest.lake import ensure_lake
from ingest.ledger import snapshot_latest_received_at
from warehouse.dbt_invoke import DbtOutcome, Progress, invoke_dbt
from warehouse.dbt_process import invoke_dbt_in_child
from warehouse.outcome import BuildResult, NodeOutcome, WarehouseBuildError, failure_report, read_nodes

__all__ = [
    "DBT_PROJECT_DIR",
    "ENGINES",
    "BuildResult",
    "DbtOutcome",
    "NodeOutcome",
    "NotAGoodBuild",
    "NothingToBuild",
    "PreparedBuild",
    "WarehouseBuildError",
    "WarehouseBusy",
    "build_database",
    "build_warehouse",
    "code_version",
    "dbt_environment",
    "dbt_project_dir",
    "finish_build",
    "is_last_good_build",
    "last_good_build_ledger",
    "prepare_build",
    "publish_analyst_copy",
    "spark_home",
    "warehouse_engine",
    "warehouse_lock",
]

#: Engines the dbt project builds on (targets of dbt_project/profiles.yml); the first is the default.
ENGINES = ("duckdb", "spark")
#: Names another copy of the dbt project to build (tests, trying a change); unset: ``dbt_project/``.
PROJECT_DIR_VARIABLE = "MI_DBT_PROJECT_DIR"
LOCK_NAME = ".build.lock"
GOOD_BUILD_MARKER = ".last_good_build"
COPY_CHUNK = 16 * 1024 * 1024
# dbt's console stays quiet when it runs in this process: progress lines come from
# the callback, the full log is in <build folder>/logs/dbt.log
QUIET_CONSOLE = ["--log-level", "none"]


class WarehouseBusy(LockBusy):
    """Another build or publish holds the warehouse lock and did not finish in time."""


class NothingToBuild(RuntimeError):
    """Nothing has been ingested into this MI_HOME yet (no ledger snapshot)."""

    def __init__(self, message: str, *, build_database: Path, engine: str) -> None:
        super().__init__(message)
        self.build_database = build_database
        self.engine = engine


class NotAGoodBuild(RuntimeError):
    """The build database is not a whole build that passed every test: it may not be published."""


@dataclass
class PreparedBuild:
    """A build between :func:`prepare_build` and :func:`finish_build`: where dbt writes, and how to call it.

    Only valid inside ``prepare_build``'s ``with`` block, which holds the lock
    and the environment.
    """

    paths: Paths
    engine: str
    project_dir: Path
    #: ``MI_HOME/warehouse/build`` (DuckDB) or ``MI_HOME/spark``: dbt's target/, logs/ and tmp/ are here.
    build_dir: Path
    #: the DuckDB file dbt writes, or Spark's warehouse folder
    build_database: Path
    select: tuple[str, ...]
    exclude: tuple[str, ...]
    #: started from an empty build database (no selection, or the whole Dagster asset)
    full: bool
    #: replace the analysts' copy if every node passes
    publish: bool
    say: Progress
    started: float
    environment: dict[str, str]
    #: the ledger snapshot's latest submission when the build started: what it is built from
    ledger_state: str | None = None
    _open: bool = field(default=True, repr=False)

    @property
    def target_path(self) -> Path:
        """dbt's artefacts (manifest, run results, compiled SQL, partial-parse cache)."""
        return self.build_dir / "target"

    @property
    def log_path(self) -> Path:
        return self.build_dir / "logs"

    @property
    def log_file(self) -> Path:
        return self.log_path / "dbt.log"

    @property
    def default_project(self) -> bool:
        """True when the build runs ``dbt_project/`` itself, not a copy named by ``MI_DBT_PROJECT_DIR``."""
        return self.project_dir == DBT_PROJECT_DIR.resolve()

    def dbt_args(self, command: str = "build", *, project_dir: bool = True) -> list[str]:
        """``dbt <command>`` with everything this build needs.

        Args:
            project_dir: name the project and profiles folder. dagster-dbt names
                the project folder itself (and may run a temporary copy of it
                holding a generated selector), so the Dagster asset passes
                false unless the build runs another copy of the project.
        """
        args = [command]
        if project_dir:
            args += ["--project-dir", str(self.project_dir), "--profiles-dir", str(self.project_dir)]
        args += [
            "--target",
            self.engine,
            # dbt's artefacts and logs stay under MI_HOME: the repository stays clean
            # and two MI_HOMEs never share a partial-parse cache
            "--target-path",
            str(self.target_path),
            "--log-path",
            str(self.log_path),
            "--log-level-file",
            "info",
            "--no-use-colors",
            "--no-send-anonymous-usage-stats",
        ]
        for flag, criteria in (("--select", self.select), ("--exclude", self.exclude)):
            if criteria:
                args += [flag, *criteria]
        # mart_build_info says which code built the warehouse
        args += ["--vars", json.dumps({"code_version": code_version()})]
        return args


@contextlib.contextmanager
def prepare_build(
    paths: Paths | None = None,
    engine: str | None = None,
    *,
    select: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    full: bool | None = None,
    publish: bool | None = None,
    progress: Progress | None = None,
    lock_timeout: float | None = None,
) -> Iterator[PreparedBuild]:
    """Hold the warehouse for one build and make it ready for dbt; yields a :class:`PreparedBuild`.

    Args:
        paths: the MI_HOME layout; ``core.settings.paths()`` when omitted.
        engine: ``duckdb`` or ``spark``; ``MI_WAREHOUSE`` when omitted, else DuckDB.
        select, exclude: dbt ``--select`` / ``--exclude`` criteria.
        full: start from an empty build database; default: when nothing is
            selected or excluded. (The Dagster asset says whether its run
            materialises every dbt asset and check.)
        publish: replace the analysts' copy when every node passes; default:
            a full DuckDB build (never on Spark: it has no DuckDB file to copy).
        progress: one human-readable line per step (and per node, from the runner).
        lock_timeout: seconds to wait for another build; ``None`` waits as long as it takes.

    Raises:
        NothingToBuild: no ledger snapshot in this MI_HOME.
        WarehouseBusy: another build kept the lock past ``lock_timeout``.
    """
    paths = paths or default_paths()
    engine = warehouse_engine(engine)
    say = _safe(progress)
    chosen = _criteria(select), _criteria(exclude)
    full = not (chosen[0] or chosen[1]) if full is None else full
    if engine == "spark" and publish:
        raise ValueError(
            "the analysts' copy is a DuckDB file and a Spark build makes none; "
            "on Spark analysts query the tables through a Thrift server (docs/scale.md)"
        )
    publish = (full and engine == "duckdb") if publish is None else publish
    build_db = build_database(paths) if engine == "duckdb" else spark_home(paths) / "warehouse"
    with warehouse_lock(paths, timeout=lock_timeout, waiting=say):
        if not paths.ledger_parquet.exists():
            raise NothingToBuild(
                f"no ledger snapshot at {paths.ledger_parquet}: nothing has been ingested into "
                f"this MI_HOME yet (load reference data and submit returns first)",
                build_database=build_db,
                engine=engine,
            )
        # a home made before the published-ratings dataset existed gets its empty state
        ensure_lake(paths)
        paths.releases.mkdir(parents=True, exist_ok=True)
        if engine == "duckdb":
            # the build database is about to change: it is nobody's last good build any more
            good_build_marker(paths).unlink(missing_ok=True)
        if full:
            if engine == "duckdb":
                _remove_database(build_db)
            else:
                _remove_spark_state(spark_home(paths))
        prepared = PreparedBuild(
            paths=paths,
            engine=engine,
            project_dir=dbt_project_dir(),
            build_dir=build_db.parent,
            build_database=build_db,
            select=chosen[0],
            exclude=chosen[1],
            full=full,
            publish=publish,
            say=say,
            started=time.monotonic(),
            environment=dbt_environment(paths, engine),
            ledger_state=snapshot_latest_received_at(paths),
        )
        # big sorts and joins spill here: DuckDB's temp_directory, Spark's spark.local.dir (profiles.yml)
        (prepared.build_dir / "tmp").mkdir(parents=True, exist_ok=True)
        # a result left by an earlier run must never be read as this run's
        (prepared.target_path / "run_results.json").unlink(missing_ok=True)
        with _environment(prepared.environment):
            try:
                yield prepared
            finally:
                prepared._open = False


def finish_build(prepared: PreparedBuild, outcome: DbtOutcome) -> BuildResult:
    """Read what dbt did; report a failure, or publish a good whole build. Call inside ``prepare_build``.

    Returns:
        A :class:`BuildResult`: ``ok`` only when dbt succeeded and no node
        failed; then ``error`` is None and, for a publishing build,
        ``analyst_copy`` is the replaced copy. Otherwise ``error`` is the
        failure report and the analysts' copy was not touched.
    """
    if not prepared._open:
        raise RuntimeError("finish_build runs inside prepare_build's with block: the lock must still be held")
    nodes = read_nodes(prepared.target_path, prepared.project_dir)
    result = BuildResult(
        ok=outcome.success and not any(node.failed for node in nodes),
        build_database=prepared.build_database,
        elapsed_seconds=time.monotonic() - prepared.started,
        nodes=nodes,
        log_file=prepared.log_file,
        engine=prepared.engine,
    )
    if not result.ok:
        result.error = failure_report(result, prepared.paths.warehouse, outcome.exception)
        prepared.say(result.error)
        return result
    if prepared.engine == "duckdb" and (prepared.full or prepared.publish):
        if prepared.publish:
            result.analyst_copy = _publish(prepared.paths)
        _mark_good_build(prepared.paths, result.analyst_copy, prepared.ledger_state)
    prepared.say(result.summary())
    return result


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
    """Prepare a build, run ``dbt build`` in Python, finish it: the build without Dagster.

    Args:
        paths: the MI_HOME layout; ``core.settings.paths()`` when omitted.
        engine: ``duckdb`` or ``spark``; ``MI_WAREHOUSE`` when omitted, else
            DuckDB. Spark's state (tables, metastore, dbt's artefacts) lives
            under ``MI_HOME/spark``.
        select: dbt ``--select`` criteria; a partial build, which by default
            does not publish (a subset of models is not a whole warehouse).
        exclude: dbt ``--exclude`` criteria, e.g. ``"resource_type:unit_test"``.
        progress: called with one human-readable line per built model or seed,
            per failing or warning test, and a closing summary or the failure report.
        publish: replace the analysts' copy after success; default: only for a
            full DuckDB build (never on Spark: it has no DuckDB file to copy).
        lock_timeout: seconds to wait for another build to finish; ``None``
            waits as long as it takes.

    Returns:
        A :class:`BuildResult` (see :func:`finish_build`); nothing ingested
        yet is a failed result too. ``raise_for_failure()`` turns a failure
        into a :class:`WarehouseBuildError`.
    """
    try:
        with prepare_build(
            paths,
            engine,
            select=select,
            exclude=exclude,
            publish=publish,
            progress=progress,
            lock_timeout=lock_timeout,
        ) as prepared:
            args = prepared.dbt_args() + QUIET_CONSOLE
            if prepared.engine == "duckdb":
                outcome = invoke_dbt(args, prepared.say)
            else:
                outcome = invoke_dbt_in_child(args, prepared.say, prepared.build_dir)
            return finish_build(prepared, outcome)
    except NothingToBuild as refusal:
        _safe(progress)(str(refusal))
        return BuildResult(
            ok=False, build_database=refusal.build_database, error=str(refusal), engine=refusal.engine
        )


def publish_analyst_copy(
    paths: Paths | None = None, *, lock_timeout: float | None = None, skip_if_current: bool = False
) -> Path:
    """Replace the analysts' copy with the last good build, atomically.

    A build that passes publishes itself (:func:`finish_build`); this is for
    publishing it again, e.g. the Dagster asset ``analyst_warehouse``
    materialised on its own.

    Args:
        skip_if_current: do not copy when the analysts' copy already is this build.

    Raises:
        NotAGoodBuild: the build database is not a whole build that passed
            every test (the last build failed or was partial, or the file
            changed since).
        ValueError: ``MI_WAREHOUSE=spark``: the build database would then be an
            older DuckDB build, not the one that just ran.
    """
    paths = paths or default_paths()
    if warehouse_engine() != "duckdb":
        raise ValueError(
            "MI_WAREHOUSE=spark: the warehouse is built on Spark, which makes no DuckDB file "
            "to publish; analysts query Spark's tables (docs/scale.md)"
        )
    with warehouse_lock(paths, timeout=lock_timeout):
        marker = _good_build(paths)
        if marker is None:
            raise NotAGoodBuild(
                f"The build database {build_database(paths)} is not a build that passed every test "
                f"(the last build failed or was partial, or the file changed since); the analysts' "
                f"copy was left as it was. Build the whole warehouse first."
            )
        current = paths.warehouse.exists() and marker.get("copy") == _fingerprint(paths.warehouse)
        if skip_if_current and current:
            return paths.warehouse
        copy = _publish(paths)
        _mark_good_build(paths, copy, marker.get("ledger"))
        return copy


def is_last_good_build(paths: Paths) -> bool:
    """True when the build database is the last whole build that passed every test."""
    return _good_build(paths) is not None


def last_good_build_ledger(paths: Paths) -> str | None:
    """The ledger state the last good build was built from (``ingest.ledger.snapshot_latest_received_at``).

    None when the build database is not a good whole build (none yet, a failed or
    partial build since) or the build saw no submission. The Dagster sensor starts
    from it, so a build made by ``mi run`` or ``mi demo`` is not requested again.
    """
    marker = _good_build(paths)
    return marker.get("ledger") if marker is not None else None


def build_database(paths: Paths) -> Path:
    """dbt's working database: ``MI_HOME/warehouse/build/mi.duckdb``."""
    return paths.warehouse_dir / "build" / "mi.duckdb"


def good_build_marker(paths: Paths) -> Path:
    """``MI_HOME/warehouse/build/.last_good_build``: the fingerprints of the last good build and its copy."""
    return build_database(paths).parent / GOOD_BUILD_MARKER


def warehouse_engine(engine: str | None = None) -> str:
    """The engine a build runs on: ``engine``, else ``MI_WAREHOUSE``, else ``duckdb``."""
    chosen = (engine or os.environ.get("MI_WAREHOUSE") or ENGINES[0]).strip().lower()
    if chosen not in ENGINES:
        raise ValueError(
            f"unknown warehouse engine {chosen!r} (MI_WAREHOUSE): use one of {', '.join(ENGINES)}"
        )
    return chosen


def dbt_project_dir() -> Path:
    """The dbt project a build runs: ``MI_DBT_PROJECT_DIR``, else ``dbt_project/``."""
    chosen = os.environ.get(PROJECT_DIR_VARIABLE)
    return Path(chosen).resolve() if chosen else DBT_PROJECT_DIR.resolve()


def spark_home(paths: Paths) -> Path:
    """All the Spark target keeps: ``MI_HOME/spark``.

    There: warehouse/, metastore_db/, derby.log, tmp/, and dbt's target/ and logs/.
    """
    return paths.home / "spark"


def dbt_environment(paths: Paths, engine: str = "duckdb") -> dict[str, str]:
    """The variables profiles.yml and the sources read, all absolute (dbt runs from its project folder)."""
    build_db = build_database(paths).resolve()
    return {
        # absolute: Spark's metastore, warehouse and scratch folders hang off MI_HOME
        "MI_HOME": str(paths.home.resolve()),
        "MI_LAKE": str(paths.lake.resolve()),
        "MI_WAREHOUSE": engine,
        "MI_WAREHOUSE_BUILD": str(build_db),
        "MI_WAREHOUSE_TEMP": str(build_db.parent / "tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DO_NOT_TRACK": "1",
    }


_held = threading.local()


@contextlib.contextmanager
def warehouse_lock(
    paths: Paths, *, timeout: float | None = None, waiting: Progress | None = None
) -> Iterator[None]:
    """Hold the exclusive warehouse lock (``MI_HOME/warehouse/.build.lock``).

    Args:
        timeout: seconds to wait; ``None`` waits as long as it takes.
        waiting: told once when another holder makes this call wait.

    Notes:
        ``flock`` locks belong to an open file description, so two threads of
        one process that each open the file exclude each other just as two
        processes do. The lock is released by the kernel if the holder dies.
        Re-entrant within a thread: ``mi run`` holds it around the whole
        Dagster run, whose build asset (in the same thread) takes it again.
    """
    lock_path = (paths.warehouse_dir / LOCK_NAME).resolve()
    held: set[Path] = _held.__dict__.setdefault("locks", set())
    if lock_path in held:
        yield
        return
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(exclusive_lock(lock_path, timeout=0, what="another warehouse build"))
        except LockBusy:
            if timeout == 0:
                raise WarehouseBusy(f"another warehouse build holds {lock_path}") from None
            if waiting is not None:
                waiting(f"waiting for another warehouse build to finish (it holds {lock_path})")
            try:
                stack.enter_context(
                    exclusive_lock(
                        lock_path,
                        timeout=None if timeout is None else max(timeout, 0.0),
                        what="another warehouse build",
                    )
                )
            except LockBusy:
                raise WarehouseBusy(f"another warehouse build holds {lock_path}") from None
        held.add(lock_path)
        try:
            yield
        finally:
            held.discard(lock_path)


@functools.cache
def code_version() -> str:
    """The git commit of this checkout (``-dirty`` with uncommitted changes), else the package version.

    Notes:
        Cached per process: dbt re-parses the whole project when a var
        changes, so the value must not move between builds of one process.
    """
    try:

        def git(*arguments: str) -> str:
            return subprocess.run(
                ["git", "-C", str(REPO_ROOT), *arguments],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
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


# -- internals -------------------------------------------------------------------------


def _criteria(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


@contextlib.contextmanager
def _environment(wanted: dict[str, str]) -> Iterator[None]:
    """Set ``wanted`` in ``os.environ`` (dbt reads it there, in this process or a child); restore it after."""
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


def _fingerprint(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _mark_good_build(paths: Paths, copy: Path | None, ledger_state: str | None) -> None:
    """Record the build database as the last good build, the copy made of it (if any) and its ledger state."""
    database = build_database(paths)
    _checkpoint(database)
    marker = {
        "build": _fingerprint(database),
        "copy": _fingerprint(copy) if copy else None,
        "ledger": ledger_state,
    }
    write_text_atomically(good_build_marker(paths), json.dumps(marker) + "\n")


def _good_build(paths: Paths) -> dict | None:
    """The marker's contents when it still describes the build database, else None."""
    marker, database = good_build_marker(paths), build_database(paths)
    if not marker.exists() or not database.exists():
        return None
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict) or recorded.get("build") != _fingerprint(database):
        return None
    return recorded


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
    tmp = temporary_sibling(target)
    try:
        with open(tmp, "wb") as handle, open(source, "rb") as src:
            _copy_whole_file(src, handle)
            handle.flush()
            os.fsync(handle.fileno())
        # read-only on disk too, so nobody opens the analysts' copy for writing by accident
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
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
