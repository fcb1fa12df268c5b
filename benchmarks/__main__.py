"""``make bench``: every benchmark, one table, figures measured side by side in this run.

``python -m benchmarks [--only ingest|alternatives|dbt|release|portal ...] [--scale national|history ...]``

Parts: ``ingest`` (DuckDB load, ``mi validate``, ``mi submit`` of a
2,000,000-row participants file), ``alternatives`` (the same rules through
pandera on pandas and Great Expectations on pandas), ``dbt`` (``dbt build`` of
the national and history worlds on DuckDB, and of history on Spark ``local[2]``
beside it), ``release`` (release preparation on the history world), ``portal``
(the portal's peak memory with four 100 MB uploads at once, see
``benchmarks.portal_bench``). Worlds are generated with ``mi synth`` under ``MI_HOME/bench``
on first use and reused afterwards (see ``benchmarks.worlds``). The table is
also written to ``MI_HOME/bench/results/`` as JSON and Markdown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from benchmarks import ingest_bench, portal_bench, warehouse_bench
from benchmarks.measure import Measurement, StageFailed
from benchmarks.report import machine, markdown, table
from core.settings import paths

PARTS = ("ingest", "alternatives", "dbt", "release", "portal")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[1])
    parser.add_argument(
        "--only", choices=PARTS, action="append", help="run only this part (repeatable); default: every part"
    )
    parser.add_argument(
        "--scale",
        choices=("national", "history"),
        action="append",
        help="worlds for the dbt part (repeatable); default: both",
    )
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        action="append",
        help="engines of the dbt part (repeatable); default: DuckDB on every world, "
        "and Spark local[2] beside it on history",
    )
    parser.add_argument("--rows", type=int, default=ingest_bench.ROWS, help="rows of the participants file")
    parser.add_argument("--seed", type=int, default=1, help="seed of every generated world")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="rounds of the ingest part (reference and stages back to back; median reported)",
    )
    parser.add_argument(
        "--show-setup",
        action="store_true",
        help="also list the setup steps (synth, loading and submitting the worlds)",
    )
    args = parser.parse_args(argv)
    selected = set(args.only or PARTS)
    root = paths().home / "bench"
    root.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now().astimezone()
    about = machine()
    print(f"machine: {about}", flush=True)
    setup: list[Measurement] = []
    measurements: list[Measurement] = []
    failed: list[str] = []

    def attempt(part: str, work) -> None:
        try:
            for m in work():
                measurements.append(m)
                print(f"  {part}: {m.stage}: {m.seconds:.1f} s, {m.peak_mib:,.0f} MiB", flush=True)
        except StageFailed as exc:
            measurements.append(exc.measurement)
            failed.append(str(exc))
            print(f"  {part}: FAILED {exc}", file=sys.stderr, flush=True)

    validate: list[Measurement] = []
    if "ingest" in selected:

        def ingest():
            found = ingest_bench.run(root, args.rows, args.seed, setup=setup, rounds=args.rounds)
            validate.extend(m for m in found if m.stage.startswith("mi validate"))
            return found

        attempt("ingest", ingest)
    if "alternatives" in selected:
        attempt(
            "alternatives",
            lambda: ingest_bench.run_alternatives(
                root, args.rows, args.seed, ours=validate[0] if validate else None, setup=setup
            ),
        )
    if "dbt" in selected or "release" in selected:
        scales = args.scale or ["national", "history"]
        if "release" in selected and "history" not in scales:
            scales = [*scales, "history"]
        attempt(
            "warehouse",
            lambda: warehouse_bench.run(
                root,
                scales,
                args.seed,
                build="dbt" in selected,
                release="release" in selected,
                setup=setup,
                engines=args.engine,
            ),
        )

    if "portal" in selected:
        attempt("portal", lambda: portal_bench.run(root))

    shown = ([*setup] if args.show_setup else []) + measurements
    print()
    print(f"machine: {about}")
    print(f"started {started:%Y-%m-%d %H:%M %Z}, finished {dt.datetime.now().astimezone():%H:%M}")
    print(table(shown))
    if setup and not args.show_setup:
        steps: dict[str, list[float]] = {}
        for m in setup:
            steps.setdefault(m.stage.removeprefix("setup: "), []).append(m.seconds)
        print(
            "(setup steps this run: "
            + ", ".join(
                f"{stage} {sum(times):.0f} s" + (f" ({len(times)} times)" if len(times) > 1 else "")
                for stage, times in steps.items()
            )
            + ")"
        )
    results = root / "results"
    results.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%S")
    (results / f"{stamp}.json").write_text(
        json.dumps(
            {
                "machine": about,
                "started": started.isoformat(),
                "argv": argv if argv is not None else sys.argv[1:],
                "measurements": [m.as_dict() for m in measurements],
                "setup": [m.as_dict() for m in setup],
            },
            indent=1,
        )
        + "\n"
    )
    (results / f"{stamp}.md").write_text(f"machine: {about}\n\n{markdown(shown)}\n")
    print(f"results: {results / stamp}.json, .md")
    for text in failed:
        print(f"FAILED: {text}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
