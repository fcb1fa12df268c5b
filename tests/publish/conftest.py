"""Fixtures of the release tests: a hand-made warehouse (fast) and the small world (real).

``dbt_manifest`` makes sure dbt's manifest (the release's column descriptions) is
current. ``mini_home`` is an MI_HOME whose analysts' copy is the hand-made warehouse of
``mini_warehouse.py``; ``history`` is the publishing history of
``workflow_history.py`` played once on it. ``small_world_home`` is an MI_HOME
with the real small synthetic world built by dbt, once per session
(``tests/support/worlds.py``), for the tests that must hold on real marts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Paths
from tests.publish import mini_warehouse
from tests.publish.workflow_history import History, make_mini_home, play_history


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> Path:
    """dbt's manifest, where the release's column descriptions come from, parsed if missing or stale."""
    from orchestration.project import ensure_manifest

    return ensure_manifest()


@pytest.fixture(scope="session")
def mini_warehouse_file(tmp_path_factory) -> Path:
    return mini_warehouse.build(tmp_path_factory.mktemp("mini_warehouse") / "mi.duckdb")


@pytest.fixture
def mini_home(tmp_path, mini_warehouse_file, monkeypatch) -> Paths:
    """A fresh MI_HOME (also set as MI_HOME) whose analysts' copy is the hand-made warehouse."""
    paths = make_mini_home(tmp_path, mini_warehouse_file)
    monkeypatch.setenv("MI_HOME", str(paths.home))
    return paths


@pytest.fixture(scope="session")
def history(tmp_path_factory, mini_warehouse_file) -> History:
    return play_history(tmp_path_factory.mktemp("workflow"), mini_warehouse_file)


@pytest.fixture(scope="session")
def small_world_home(tmp_path_factory) -> Paths:
    """MI_HOME with the real small world built (synth, ingest, dbt), shared by the session."""
    from tests.support.worlds import build_small_world

    root = tmp_path_factory.mktemp("publish_small_world")
    return build_small_world(root / "home", world=root / "world")
