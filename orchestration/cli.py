"""``mi ui``: the Dagster web UI and daemon on 127.0.0.1, sharing ``MI_HOME``'s instance.

Registered into ``mi`` by ``mi/cli.py``; import-light on purpose (``mi --help``
imports this module).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def cmd_ui(args: argparse.Namespace) -> int:
    from core.settings import paths
    from orchestration.instance import ensure_dagster_home
    from orchestration.project import ensure_manifest
    from orchestration.resources import apply_dbt_environment

    p = paths().ensure()
    ensure_dagster_home(p)
    apply_dbt_environment(p)
    ensure_manifest()
    dagster = Path(sys.executable).with_name("dagster")
    argv = [str(dagster), "dev", "-h", args.host, "-p", str(args.port), "-m", "orchestration.definitions"]
    print(f"Dagster UI on http://{args.host}:{args.port}  (instance: {p.dagster_home}; Ctrl-C stops it)")
    os.execv(argv[0], argv)
    return 0  # not reached


def register(subparsers) -> None:
    p = subparsers.add_parser("ui", help="start the Dagster UI and daemon (schedules, sensors, run history)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(func=cmd_ui)
