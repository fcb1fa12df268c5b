"""Running one command in a subprocess and measuring its wall time and peak memory.

Each measurement also records the machine's one-minute load average when the
command started and when it ended: other work on a shared machine slows a
stage down, and a reader can only judge a figure next to the load it ran under.

Not for: deciding what to run (the benchmark modules) or printing tables (``report``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PYTHON = sys.executable
BIN = Path(sys.executable).parent
GIB = 1024.0  # MiB


class StageFailed(RuntimeError):
    """A measured command exited with a status that means it did not do its job."""

    def __init__(self, measurement: Measurement, message: str):
        super().__init__(message)
        self.measurement = measurement


@dataclass
class Measurement:
    stage: str
    rows: int
    seconds: float
    peak_mib: float
    cpu_seconds: float = 0.0  # user + system time of the process (all its threads)
    reference: str | None = None
    ratio: float | None = None
    note: str = ""
    target: str = ""
    verdict: str = ""  # "ok", "MISSED" or "" (no target)
    load_start: float = 0.0
    load_end: float = 0.0
    part: str = ""  # which benchmark it belongs to (ingest, alternatives, dbt, release, setup)
    extra: dict = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def load(self) -> str:
        """The 1-minute load average at start-end (for a median of rounds: lowest-highest)."""
        return f"{self.load_start:.1f}-{self.load_end:.1f}"

    def judge(
        self,
        *,
        max_ratio: float | None = None,
        max_seconds: float | None = None,
        max_peak_mib: float | None = None,
    ) -> Measurement:
        """Record the stage's targets and whether this run met them."""
        parts, ok = [], True
        if max_ratio is not None:
            parts.append(f"<= {max_ratio:g}x")
            ok = ok and self.ratio is not None and self.ratio <= max_ratio
        if max_seconds is not None:
            parts.append(f"< {max_seconds / 60:g} min" if max_seconds >= 60 else f"< {max_seconds:g} s")
            ok = ok and self.seconds < max_seconds
        if max_peak_mib is not None:
            parts.append(f"peak < {max_peak_mib / GIB:g} GiB")
            ok = ok and self.peak_mib < max_peak_mib
        self.target = ", ".join(parts)
        self.verdict = "ok" if ok else "MISSED"
        return self

    def as_dict(self) -> dict:
        return {
            "stage": self.stage,
            "part": self.part,
            "rows": self.rows,
            "seconds": round(self.seconds, 2),
            "cpu_seconds": round(self.cpu_seconds, 2),
            "rows_per_second": round(self.rows_per_second),
            "peak_mib": round(self.peak_mib),
            "reference": self.reference,
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "target": self.target,
            "verdict": self.verdict,
            "note": self.note,
            "load_start": round(self.load_start, 2),
            "load_end": round(self.load_end, 2),
            **self.extra,
        }


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def run_measured(
    stage: str,
    argv: list[str],
    *,
    rows: int,
    env: dict | None = None,
    cwd: Path | None = None,
    check: bool = False,
    ok_codes: tuple[int, ...] = (0, 1),
    part: str = "",
    log: Path | None = None,
) -> Measurement:
    """Run ``argv`` to completion; wall seconds and the peak resident memory of its process tree.

    The peak is the larger of ``ru_maxrss`` from ``wait4`` (exact, but the
    largest *single* process of the tree) and the sum of the resident sets of
    the child and all its descendants, sampled every 0.2 s. Most stages do
    their work in the one process (DuckDB's and polars' threads included), where
    the two agree; a Spark build runs dbt in a child process and Spark in a JVM
    below that, and only the sum is the build's memory.

    Args:
        ok_codes: exit statuses that mean the stage did its job (``mi`` exits 1
            when the data had errors, an expected outcome for a file with defects).
        log: where to keep the child's output (else a temporary file; the tail is
            quoted when the stage fails).
    """
    load_start = load_average()
    started = time.perf_counter()
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        out = open(log, "w+b")
    else:
        out = tempfile.TemporaryFile()
    try:
        # output goes to a file, never a pipe: a chatty child cannot block on a full pipe
        process = subprocess.Popen(
            argv, env={**os.environ, **(env or {})}, cwd=cwd, stdout=out, stderr=subprocess.STDOUT
        )
        sampler = TreeSampler(process.pid)
        sampler.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0, os.SEEK_END)
        out.seek(max(0, out.tell() - 4000))
        tail = out.read().decode(errors="replace")
    finally:
        out.close()
    code = process.returncode
    peak_mib = max(usage.ru_maxrss / 1024, sampler.peak_bytes / 2**20)
    measurement = Measurement(
        stage=stage,
        rows=rows,
        seconds=seconds,
        peak_mib=peak_mib,
        # wait4 counts only descendants the child reaped (not a JVM left to exit
        # on its own), so the tree's sampled CPU time where that is larger
        cpu_seconds=max(usage.ru_utime + usage.ru_stime, sampler.cpu_seconds),
        load_start=load_start,
        load_end=load_average(),
        part=part,
    )
    if check and code not in ok_codes:
        measurement.verdict = "FAILED"
        measurement.note = f"exit {code}"
        raise StageFailed(measurement, f"{stage}: exit {code}\n{tail[-2000:]}")
    return measurement


class TreeSampler(threading.Thread):
    """Samples the summed resident memory of a process and its descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_bytes = pid, interval, 0
        self._cpu: dict[int, float] = {}  # the last CPU seconds seen of each process of the tree
        self._stop_event = threading.Event()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop_event.is_set():
            total = 0
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                tree = []  # the root has exited (or is a zombie waiting for wait4)
            for proc in tree:
                try:
                    total += proc.memory_info().rss
                    times = proc.cpu_times()
                    self._cpu[proc.pid] = times.user + times.system
                except psutil.Error:
                    pass  # a descendant ended between the listing and the read
            self.peak_bytes = max(self.peak_bytes, total)
            self._stop_event.wait(self.interval)

    @property
    def cpu_seconds(self) -> float:
        """CPU time of every process seen in the tree, as of its last sample (a lower bound)."""
        return sum(self._cpu.values())

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


def python_snippet(code: str) -> list[str]:
    return [PYTHON, "-c", code]


def python_module(module: str, *args: str) -> list[str]:
    return [PYTHON, "-m", module, *args]


def mi(*args: str) -> list[str]:
    return [str(BIN / "mi"), *args]
