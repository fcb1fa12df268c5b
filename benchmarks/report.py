"""Printing benchmark measurements as one table, ratios against each stage's reference.

Not for: running anything (``measure``) or deciding what to run (the benchmark modules).
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

from benchmarks.measure import Measurement, load_average


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cpu_model()} ({platform.machine()}), {cores} cores, {mem:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
        f"load average now {load_average():.1f}"
    )


COLUMNS = (
    "stage",
    "rows",
    "seconds",
    "cpu s",
    "rows/s",
    "peak MiB",
    "ratio",
    "reference",
    "target",
    "met",
    "load",
)


def _cells(m: Measurement) -> list[str]:
    return [
        m.stage,
        f"{m.rows:,}",
        f"{m.seconds:.1f}",
        f"{m.cpu_seconds:.1f}",
        f"{m.rows_per_second:,.0f}",
        f"{m.peak_mib:,.0f}",
        f"{m.ratio:.2f}x" if m.ratio is not None else "",
        m.reference or "",
        m.target,
        m.verdict,
        m.load,
    ]


def table(measurements: list[Measurement]) -> str:
    """A plain-text table; each stage's note below it, indented."""
    rows = [list(COLUMNS)] + [_cells(m) for m in measurements]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    right = {1, 2, 3, 4, 5, 6}

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        ).rstrip()

    out = [line(rows[0]), "  ".join("-" * w for w in widths)]
    for m, cells in zip(measurements, rows[1:], strict=False):
        out.append(line(cells))
        if m.note:
            out.append(f"    {m.note}")
    out.append("")
    out.append("ratio: seconds / the reference's seconds in this run;")
    out.append("cpu s: user + system time of the stage's process;")
    out.append("load: the machine's 1-minute load average when the stage started-ended")
    out.append("(for a median of rounds, the lowest and highest of its rounds);")
    out.append("with 2 cores, above 2 means the stages waited for a core.")
    return "\n".join(out)


def markdown(measurements: list[Measurement]) -> str:
    out = [
        "| " + " | ".join(COLUMNS) + " | note |",
        "|"
        + "|".join(
            "---:" if c in ("rows", "seconds", "cpu s", "rows/s", "peak MiB", "ratio") else "---"
            for c in COLUMNS
        )
        + "|---|",
    ]
    for m in measurements:
        out.append("| " + " | ".join(c.replace("|", "/") for c in _cells(m)) + f" | {m.note} |")
    return "\n".join(out)
