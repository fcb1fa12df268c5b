"""Timed progress lines for long-running commands (stderr, so stdout stays for results).

Stages accept any ``Callable[[str], None]`` as their progress reporter; this is the
one the command line passes.

Not for: logging to files or Dagster's event log (Dagster has its own).
"""

from __future__ import annotations

import sys
import time


class Progress:
    """Prints ``[  12.3s] message`` lines to stderr, or nothing when ``quiet``."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.start = time.perf_counter()

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.start:7.1f}s] {message}", file=sys.stderr, flush=True)
