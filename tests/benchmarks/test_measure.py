"""The benchmarks' measurement counts a stage's whole process tree (a Spark build's JVM is a grandchild)."""

from __future__ import annotations

import sys

from benchmarks.measure import run_measured

# The child starts a grandchild that holds ~300 MiB for a moment, and ends without reaping it
# (as a JVM is left to exit on its own): wait4's ru_maxrss then knows only the small child.
GRANDCHILD = "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(1.5)"
CHILD = (
    "import os, subprocess, sys; "
    f"p = subprocess.Popen([sys.executable, '-c', {GRANDCHILD!r}], stdout=subprocess.PIPE); "
    "p.stdout.read(); os._exit(0)"
)


def test_the_peak_includes_memory_held_by_a_grandchild():
    m = run_measured("tree", [sys.executable, "-c", CHILD], rows=1, check=True, ok_codes=(0,))
    assert m.peak_mib >= 300, f"peak {m.peak_mib:.0f} MiB misses the grandchild's 300 MiB"
    assert m.cpu_seconds > 0


def test_a_failing_stage_is_reported_with_its_output():
    import pytest

    from benchmarks.measure import StageFailed

    with pytest.raises(StageFailed, match="exit 3"):
        run_measured(
            "fails",
            [sys.executable, "-c", "print('boom'); raise SystemExit(3)"],
            rows=1,
            check=True,
            ok_codes=(0,),
        )
