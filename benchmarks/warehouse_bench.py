"""dbt build of the national and history worlds, and release preparation of the history world.

Targets (``docs/benchmarks.md``): ``dbt build`` of the national world under 2 minutes and of
the history world (ten years: ~5 million participants, ~14 million employment
spells) under 15 minutes, each under 6 GiB peak, on 2 cores. The reference
measured beside each build is what a build cannot do without: DuckDB copying
every current lake row into a database (``CREATE TABLE AS SELECT * FROM
read_parquet(...)`` per dataset). A build's "rows" are the lake rows it reads.

On the ``history`` world the same ``dbt build`` also runs on Spark
``local[2]`` (the scale path's figures side by side, in one run);
its ratio is to the DuckDB build just before it, and its peak is the whole
process tree (the dbt process and Spark's JVM). ``--engine`` chooses
otherwise.

Each stage runs in its own process (``python -m benchmarks.warehouse_bench
build|release|copy-lake``) with ``MI_HOME`` pointing at the world's ingested
home, so the measured peak memory is that stage's alone.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from benchmarks import worlds
from benchmarks.measure import GIB, Measurement, StageFailed, python_module, run_measured

TARGET_SECONDS = {"national": 120, "history": 900}
BUILD_PEAK_MIB = 6 * GIB


def lake_rows(home: Path) -> dict[str, int]:
    """Rows of the current submissions per dataset, from the ledger snapshot."""
    import duckdb

    ledger = home / "lake" / "_ledger" / "ledger.parquet"
    with duckdb.connect() as con:
        rows = con.execute(
            "select dataset, sum(rows_accepted) from read_parquet(?) where is_current group by dataset",
            [str(ledger)],
        ).fetchall()
    return {name: int(n) for name, n in rows}


def warehouse_participants(home: Path) -> int:
    import duckdb

    with duckdb.connect(str(home / "warehouse" / "mi.duckdb"), read_only=True) as con:
        return con.execute("select count(*) from marts.fct_participants").fetchone()[0]


def latest_rating_quarter(home: Path) -> str:
    import duckdb

    with duckdb.connect(str(home / "warehouse" / "mi.duckdb"), read_only=True) as con:
        return con.execute("select max(rating_quarter) from marts.mart_star_ratings").fetchone()[0]


#: Engines of each world's build unless ``--engine`` says otherwise: Spark only where it is a
#: fair comparison (on the national world its fixed overhead per model and test dominates).
DEFAULT_ENGINES = {"national": ("duckdb",), "history": ("duckdb", "spark")}


def _size(folder: Path) -> str:
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) if folder.exists() else 0
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def run(
    root: Path,
    scales: list[str],
    seed: int,
    *,
    release: bool,
    build: bool,
    setup: list[Measurement],
    engines: list[str] | None = None,
) -> list[Measurement]:
    measurements: list[Measurement] = []
    for scale in scales:
        world_dir = worlds.world(root, scale, seed, setup)
        home = worlds.ingested_home(root, world_dir, f"{scale}-seed{seed}", setup)
        env = {"MI_HOME": str(home)}
        counts = lake_rows(home)
        rows = sum(counts.values())
        described = (
            f"lake rows read: {counts.get('participants', 0) / 1e6:.2f}M participant records "
            f"(every current quarterly version), {counts.get('employment_spells', 0) / 1e6:.2f}M "
            f"employment spells, {counts.get('outcome_claims', 0) / 1e6:.2f}M claims, "
            f"{counts.get('customer_survey', 0) / 1e6:.2f}M survey responses"
        )
        chosen = engines or DEFAULT_ENGINES[scale]
        copy_missing = not (home / "warehouse" / "mi.duckdb").exists()
        duckdb_build: Measurement | None = None
        # a release reads the analysts' copy, so one without it needs a DuckDB build first
        if ("duckdb" in chosen and (build or copy_missing)) or (
            release and scale == "history" and copy_missing
        ):
            copy = run_measured(
                f"DuckDB copy of the lake ({scale})",
                python_module("benchmarks.warehouse_bench", "copy-lake"),
                rows=rows,
                env=env,
                check=True,
                ok_codes=(0,),
                part="dbt",
                log=root / "logs" / f"copy-lake-{scale}.log",
            )
            m = run_measured(
                f"dbt build, {scale} world, DuckDB",
                python_module("benchmarks.warehouse_bench", "build"),
                rows=rows,
                env=env,
                check=True,
                ok_codes=(0,),
                part="dbt",
                log=root / "logs" / f"dbt-build-{scale}.log",
            )
            m.reference = f"DuckDB copy of the lake ({scale})"
            m.ratio = m.seconds / copy.seconds
            m.note = described
            m.judge(max_seconds=TARGET_SECONDS[scale], max_peak_mib=BUILD_PEAK_MIB)
            measurements += [copy, m]
            duckdb_build = m
        if build and "spark" in chosen:
            if shutil.which("java") is None:
                failed = Measurement(
                    stage=f"dbt build, {scale} world, Spark local[2]",
                    rows=rows,
                    seconds=0.0,
                    peak_mib=0.0,
                    part="dbt",
                    verdict="FAILED",
                    note="no java",
                )
                raise StageFailed(
                    failed,
                    "the Spark build needs Java 17 (apt-get install "
                    "openjdk-17-jre-headless), or leave it out: --engine duckdb",
                )
            spark_home = home / "spark"
            shutil.rmtree(spark_home, ignore_errors=True)  # a Spark build starts from an empty warehouse
            m = run_measured(
                f"dbt build, {scale} world, Spark local[2]",
                python_module("benchmarks.warehouse_bench", "build", "--engine", "spark"),
                rows=rows,
                env=env,
                check=True,
                ok_codes=(0,),
                part="dbt",
                log=root / "logs" / f"dbt-build-{scale}-spark.log",
            )
            if duckdb_build is not None:
                m.reference, m.ratio = duckdb_build.stage, m.seconds / duckdb_build.seconds
            m.note = (
                f"the same dbt build (every model, seed, data test and unit test) on Spark, same lake "
                f"read in place; peak: dbt process + JVM; Spark's tables {_size(spark_home / 'warehouse')} "
                f"(removed afterwards)"
            )
            shutil.rmtree(spark_home, ignore_errors=True)
            measurements.append(m)
        if release and scale == "history":
            period = latest_rating_quarter(home)
            shutil.rmtree(home / "releases", ignore_errors=True)  # prepare v1 from nothing, every run
            m = run_measured(
                f"release preparation {period}, {scale} world",
                python_module("benchmarks.warehouse_bench", "release", period),
                rows=warehouse_participants(home),
                env=env,
                check=True,
                ok_codes=(0,),
                part="release",
                log=root / "logs" / f"release-{scale}.log",
            )
            m.note = (
                "rows: participants in the warehouse; the candidate's files and its quality "
                "gate (Great Expectations), from the analysts' copy"
            )
            measurements.append(m)
    return measurements


# --- the measured processes ---------------------------------------------------------------------


def _build(engine: str) -> int:
    from warehouse import build_warehouse

    # prepared and finished as every build is; its last progress line is the summary or the failure report
    result = build_warehouse(engine=engine, progress=lambda line: print(line, flush=True))
    return 0 if result.ok else 3


def _release(period: str) -> int:
    from publish.release import prepare_release

    candidate = prepare_release(period, preparer="benchmark", progress=lambda line: print(line, flush=True))
    print(
        f"{candidate.state} v{candidate.version}, gate passed: {candidate.gate_passed}; "
        f"{sum(candidate.files.values()) if candidate.files else 0} bytes in {len(candidate.files)} files"
    )
    for failure in candidate.gate_failures:
        print(f"gate: {failure}")
    return 0 if candidate.state == "candidate" and candidate.gate_passed else 3


def _copy_lake() -> int:
    """Every current lake row into a fresh DuckDB database: the floor under any build."""
    import duckdb

    from core.settings import paths

    p = paths()
    target = p.home / "bench-copy.duckdb"
    target.unlink(missing_ok=True)
    ledger = str(p.ledger_parquet)
    try:
        with duckdb.connect(str(target)) as con:
            con.execute("set preserve_insertion_order = false")
            current = con.execute(
                "select distinct kind, dataset from read_parquet(?) where is_current", [ledger]
            ).fetchall()
            for kind, dataset in current:
                folder = p.lake / ("reference" if kind == "reference" else "returns") / dataset
                con.execute(
                    f"create table {dataset} as select * from read_parquet(?, hive_partitioning = false) "
                    f"where submission_id in (select submission_id from read_parquet(?) where is_current)",
                    [str(folder / "*" / "*.parquet"), ledger],
                )
    finally:
        target.unlink(missing_ok=True)
        target.with_name(target.name + ".wal").unlink(missing_ok=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.warehouse_bench")
    parser.add_argument("action", choices=["build", "release", "copy-lake"])
    parser.add_argument("period", nargs="?")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    args = parser.parse_args(argv)
    if args.action == "build":
        return _build(args.engine)
    if args.action == "release":
        return _release(args.period)
    return _copy_lake()


if __name__ == "__main__":
    sys.exit(main())
