"""Printing benchmark measurements as one table, ratios against each stage's reference."""

from __future__ import annotations

import platform

from benchmarks.measure import Measurement


def machine() -> str:
    import os

    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = 0
    return f"{platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"


def table(measurements: list[Measurement]) -> str:
    header = f"{'stage':<52} {'rows':>11} {'seconds':>8} {'rows/s':>11} {'peak MiB':>9} {'ratio':>7}  reference"
    lines = [header, "-" * len(header)]
    for m in measurements:
        ratio = f"{m.ratio:.2f}x" if m.ratio is not None else ""
        lines.append(f"{m.stage:<52} {m.rows:>11,} {m.seconds:>8.1f} {m.rows_per_second:>11,.0f} "
                     f"{m.peak_mib:>9,.0f} {ratio:>7}  {m.reference or ''}{('  ' + m.note) if m.note else ''}")
    return "\n".join(lines)
