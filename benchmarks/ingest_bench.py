"""Validation and ingest of a 2,000,000-row participants file against a plain DuckDB load.

Targets (issues 2 and 7): ``mi validate`` within 1.5x of DuckDB's
``CREATE TABLE AS SELECT * FROM read_csv(...)`` of the same file, full ingest
within 2.5x, each under 2 GiB peak.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks.measure import Measurement, mi, python_snippet, run_measured

ROWS = 2_000_000


def bench_file(root: Path, rows: int = ROWS) -> Path:
    world = root / f"participants_{rows}"
    files = list((world / "submissions").glob("*_participants_*.csv")) if world.exists() else []
    if not files:
        shutil.rmtree(world, ignore_errors=True)
        run_measured("synth", mi("synth", "--out", str(world), "--bench-rows", str(rows), "--quiet"),
                     rows=rows, check=True)
        files = list((world / "submissions").glob("*_participants_*.csv"))
    return files[0]


def run(root: Path, rows: int = ROWS) -> list[Measurement]:
    path = bench_file(root, rows)
    reference = root / "ingest_reference"
    db = root / "duckdb_load.duckdb"
    db.unlink(missing_ok=True)
    load = run_measured(
        "DuckDB CREATE TABLE AS read_csv (reference)",
        python_snippet("import duckdb,sys; con=duckdb.connect(sys.argv[1]); "
                       "con.execute(\"create table participants as select * from read_csv(?)\", [sys.argv[2]])")
        + [str(db), str(path)], rows=rows, check=True)
    db.unlink(missing_ok=True)
    report = root / "validate_report"
    shutil.rmtree(report, ignore_errors=True)
    validate = run_measured("mi validate (pandera on polars, report written)",
                            mi("validate", str(path), "--report", str(report), "--show", "0"), rows=rows, check=True)
    home = root / "ingest_home"
    shutil.rmtree(home, ignore_errors=True)
    world = path.parents[1]
    run_measured("load reference", mi("load-reference", str(world / "reference"), "--quiet"), rows=0,
                 env={"MI_HOME": str(home)}, check=True)
    ingest = run_measured("mi submit (validate, pseudonymise, write the lake)",
                          mi("submit", str(path), "--show", "0"), rows=rows, env={"MI_HOME": str(home)}, check=True)
    for m in (validate, ingest):
        m.reference = load.stage.split(" (")[0]
        m.ratio = m.seconds / load.seconds
    validate.note = "target <= 1.5x, < 2 GiB"
    ingest.note = "target <= 2.5x, < 2 GiB"
    del reference
    return [load, validate, ingest]
