"""The Dagster instance under ``MI_HOME/dagster``: telemetry off, one warehouse writer at a time.

Not for: assets or jobs. This only writes ``dagster.yaml`` and points
``DAGSTER_HOME`` at it, so the UI, the daemon and ``mi run`` share run history.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from core.settings import Paths

DAGSTER_YAML = """\
# Written by the MI warehouse (orchestration/instance.py); edit the template there.
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 4
    tag_concurrency_limits:
      # dbt is the only writer of the warehouse and DuckDB allows one writer:
      # runs that write it queue behind each other.
      - key: warehouse
        value: duckdb
        limit: 1
"""


def ensure_dagster_home(paths: Paths) -> Path:
    home = paths.ensure_home().dagster_home  # MI_HOME itself created private (0700) if new
    home.mkdir(parents=True, exist_ok=True)
    write_if_changed(home / "dagster.yaml", DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    return home


def write_if_changed(path: Path, text: str) -> None:
    """Write a config file whole and atomically, and not at all when it already says ``text``.

    Several processes may write it at once as they start (``mi run`` beside
    ``mi ui``; the three services of the shared deployment): none may read a
    half-written file.
    """
    if path.exists() and path.read_text() == text:
        return
    # unique per call, not per process: two runs of one process start in threads side by side
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
