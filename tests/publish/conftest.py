"""Fixtures of the release tests: a hand-made warehouse (fast) and the small world (real).

``dbt_manifest`` makes sure dbt's manifest (the release's column descriptions) is
current. ``mini_home`` is an MI_HOME whose analysts' copy is the hand-made warehouse of
``tests/support/mini_warehouse.py``; ``history`` is the publishing history of
``tests/support/workflow_history.py`` played once on it. ``small_world_home`` is an MI_HOME
with the real small synthetic world built by dbt, once per session
(``tests/support/worlds.py``), for the tests that must hold on real marts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Paths
from tests.support import mini_warehouse
from tests.support.workflow_history import History, make_mini_home, play_history


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
def small_world_home(tmp_path_factory, small_world) -> Paths:
    """A private copy of the session's small world (built once for every test folder), into which the
    release tests of this folder prepare and approve releases."""
    from tests.support.worlds import copy_home

    root = tmp_path_factory.mktemp("publish_small_world")
    return Paths(home=copy_home(small_world, root / "home"))


#: The release date of the public releases below: fixed, so that two preparations compare byte for byte.
PUBLIC_RELEASE_DATE = "2026-09-10"


@pytest.fixture(scope="session")
def public_releases(tmp_path_factory, small_world_home) -> list:
    """The latest period of the small world prepared (alice) and approved (bob) in two private copies of its
    home, with the same release date: [(paths, published release), (paths, published release)]."""
    import datetime as dt

    import duckdb

    from core.settings import Paths
    from publish.figures import available_periods
    from publish.release import approve_release, prepare_release
    from tests.support.worlds import copy_home

    with duckdb.connect(str(small_world_home.warehouse), read_only=True) as con:
        period = available_periods(con)[-1]
    out = []
    for name in ("first", "second"):
        home = copy_home(small_world_home.home, tmp_path_factory.mktemp("public") / name)
        paths = Paths(home=home)
        prepare_release(
            period, preparer="alice", paths=paths, release_date=dt.date.fromisoformat(PUBLIC_RELEASE_DATE)
        )
        out.append((paths, approve_release(period, approver="bob", paths=paths)))
    return out
