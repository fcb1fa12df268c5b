"""Running one command in a subprocess and measuring its wall time and peak memory.

Not for: deciding what to run (the benchmark modules) or printing tables (``report``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable
BIN = Path(sys.executable).parent


@dataclass
class Measurement:
    stage: str
    rows: int
    seconds: float
    peak_mib: float
    reference: str | None = None
    ratio: float | None = None
    note: str = ""

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def run_measured(stage: str, argv: list[str], *, rows: int, env: dict | None = None,
                 cwd: Path | None = None, check: bool = False) -> Measurement:
    """Run ``argv`` to completion; wall seconds and the child's own peak RSS (``wait4``)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env={**os.environ, **(env or {})}, cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if check and code not in (0, 1):  # 1 = the data had errors, an expected outcome here
        raise RuntimeError(f"{stage}: exit {code}\n{stderr[-2000:]}")
    return Measurement(stage=stage, rows=rows, seconds=seconds, peak_mib=usage.ru_maxrss / 1024)


def python_snippet(code: str) -> list[str]:
    return [PYTHON, "-c", code]


def mi(*args: str) -> list[str]:
    return [str(BIN / "mi"), *args]
