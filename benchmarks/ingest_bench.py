"""Validation and ingest of a 2,000,000-row participants file, against a plain DuckDB load and the
alternatives.

Targets (``docs/benchmarks.md``): ``mi validate`` within 1.5x of DuckDB's
``CREATE TABLE AS SELECT * FROM read_csv(...)`` of the same file, full ingest
(validate, pseudonymise, write the lake) within 2.5x, each under 2 GiB peak.
The same rules through pandera on pandas and through Great Expectations on
pandas (``benchmarks.alternatives``) are measured against ``mi validate``;
their findings are compared with ours row by row and rule by rule.
"""

from __future__ import annotations

import csv
import json
import shutil
import statistics
from dataclasses import replace
from pathlib import Path

from benchmarks import worlds
from benchmarks.measure import GIB, Measurement, mi, python_module, python_snippet, run_measured

ROWS = 2_000_000
DUCKDB_STAGE = "DuckDB CREATE TABLE AS read_csv"


def _period(path: Path) -> str:
    return path.name.split("_")[-2]  # {ukprn}_participants_{period}_{stamp}.csv


def duckdb_load(root: Path, path: Path, rows: int) -> Measurement:
    db = root / "scratch" / "duckdb_load.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)
    load = run_measured(
        f"{DUCKDB_STAGE} (reference)",
        python_snippet(
            "import duckdb,sys; con=duckdb.connect(sys.argv[1]); "
            'con.execute("create table participants as select * from read_csv(?)", [sys.argv[2]]); '
            "con.close()"
        )
        + [str(db), str(path)],
        rows=rows,
        check=True,
        ok_codes=(0,),
        part="ingest",
        log=root / "logs" / "duckdb-load.log",
    )
    db.unlink(missing_ok=True)
    return load


def mi_validate(root: Path, path: Path, rows: int) -> Measurement:
    report = root / "reports" / "mi_validate"
    shutil.rmtree(report, ignore_errors=True)
    m = run_measured(
        "mi validate (pandera on polars; report written)",
        mi("validate", str(path), "--report", str(report), "--show", "0"),
        rows=rows,
        check=True,
        part="ingest",
        log=root / "logs" / "mi-validate.log",
    )
    m.extra["report"] = str(report)
    return m


def run(
    root: Path, rows: int = ROWS, seed: int = 1, *, setup: list[Measurement], rounds: int = 5
) -> list[Measurement]:
    """DuckDB load (reference), ``mi validate``, ``mi submit`` into a fresh MI_HOME, ``rounds`` times.

    Each round runs the reference and both stages back to back, so that a
    round's ratios compare figures taken under the same load; the table gives
    each stage's median round, the median of its rounds' ratios, and every
    round's ratio in the note (the machine is shared: one round can be unlucky).
    """
    path = worlds.bench_file(root, rows, seed, setup)
    home = root / "homes" / f"ingest-{rows}"
    env = {"MI_HOME": str(home)}
    loads, validates, ingests = [], [], []
    for _ in range(max(1, rounds)):
        loads.append(duckdb_load(root, path, rows))
        validates.append(mi_validate(root, path, rows))
        shutil.rmtree(home, ignore_errors=True)
        setup.append(
            run_measured(
                "setup: mi load-reference (ingest home)",
                mi("load-reference", str(path.parents[1] / "reference"), "--quiet"),
                rows=0,
                env=env,
                check=True,
                ok_codes=(0,),
                part="setup",
                log=root / "logs" / "load-reference-ingest.log",
            )
        )
        ingests.append(
            run_measured(
                "mi submit (validate with reference data, pseudonymise, write the lake)",
                mi("submit", str(path), "--show", "0"),
                rows=rows,
                env=env,
                check=True,
                part="ingest",
                log=root / "logs" / "mi-submit.log",
            )
        )
    shutil.rmtree(home, ignore_errors=True)
    load = median_round(loads)
    results = [load]
    for found, max_ratio in ((validates, 1.5), (ingests, 2.5)):
        ratios = [m.seconds / reference.seconds for m, reference in zip(found, loads, strict=False)]
        m = median_round(found)
        m.reference = DUCKDB_STAGE
        m.ratio = statistics.median(ratios)
        if len(found) > 1:
            m.note = f"median of {len(found)} rounds; ratio each round: " + ", ".join(
                f"{r:.2f}x" for r in ratios
            )
        m.judge(max_ratio=max_ratio, max_peak_mib=2 * GIB)
        results.append(m)
    return results


def median_round(found: list[Measurement]) -> Measurement:
    """The round with the median time, its peak the highest of all rounds, its load the span of all."""
    ordered = sorted(found, key=lambda m: m.seconds)
    chosen = replace(ordered[(len(ordered) - 1) // 2])
    chosen.peak_mib = max(m.peak_mib for m in found)
    chosen.load_start = min(m.load_start for m in found)
    chosen.load_end = max(m.load_end for m in found)
    chosen.extra = {**chosen.extra, "rounds": [m.as_dict() for m in found]}
    return chosen


def run_alternatives(
    root: Path, rows: int = ROWS, seed: int = 1, *, ours: Measurement | None, setup: list[Measurement]
) -> list[Measurement]:
    """pandera on pandas and GX on pandas with the same rules, against ``mi validate``."""
    path = worlds.bench_file(root, rows, seed, setup)
    measurements = []
    if ours is None:
        ours = mi_validate(root, path, rows)
        measurements.append(ours)
    ours_findings = _row_findings(Path(ours.extra["report"]) / "findings.csv")
    for engine, label in (
        ("pandera", "pandera 0.35 on pandas 3.1, same rules"),
        ("gx", "Great Expectations 1.24 on pandas, same rules"),
    ):
        report = root / "reports" / engine
        shutil.rmtree(report, ignore_errors=True)
        m = run_measured(
            label,
            python_module(
                "benchmarks.alternatives",
                engine,
                str(path),
                "--period",
                _period(path),
                "--report",
                str(report),
            ),
            rows=rows,
            check=True,
            ok_codes=(0,),
            part="alternatives",
            log=root / "logs" / f"{engine}.log",
        )
        m.reference = "mi validate"
        m.ratio = m.seconds / ours.seconds
        coverage = json.loads((report / "coverage.json").read_text())
        theirs = _row_findings(report / "findings.csv")
        rules_run = coverage["rules_run"]
        same = [r for r in rules_run if theirs.get(r, set()) == ours_findings.get(r, set())]
        differ = [r for r in rules_run if r not in same]
        m.note = (
            f"ours {m.ratio:.1f}x faster; {len(rules_run)} rules, same failing rows as ours on "
            f"{len(same)}/{len(rules_run)}" + (f" (differ: {', '.join(differ)})" if differ else "")
        )
        m.extra.update(
            rules_run=rules_run,
            rules_not_run=coverage["rules_not_run"],
            rules_differing=differ,
            findings=sum(len(v) for v in theirs.values()),
        )
        measurements.append(m)
    return measurements


def _row_findings(path: Path) -> dict[str, set[int]]:
    """rule id -> the rows it failed on (row-level findings only)."""
    found: dict[str, set[int]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            if record.get("row"):
                found.setdefault(record["rule_id"], set()).add(int(float(record["row"])))
    return found
