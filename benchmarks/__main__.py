"""``make bench``: every benchmark, one table, figures measured side by side in this run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import ingest_bench
from benchmarks.report import machine, table
from mi.settings import paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--rows", type=int, default=ingest_bench.ROWS, help="rows of the participants file")
    parser.add_argument("--only", choices=["ingest"], action="append", help="run only these benchmarks")
    args = parser.parse_args(argv)
    root = paths().home / "bench"
    root.mkdir(parents=True, exist_ok=True)
    measurements = []
    selected = set(args.only or ["ingest"])
    if "ingest" in selected:
        measurements += ingest_bench.run(root, args.rows)
    print(f"machine: {machine()}")
    print(table(measurements))
    return 0


if __name__ == "__main__":
    sys.exit(main())
