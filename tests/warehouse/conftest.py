"""Fixtures for the warehouse tests: the hand-built world, built once per session.

A dbt build of the whole project takes tens of seconds, so the scenario is
written and built once and every test reads the result; tests that must change
the lake work on their own copy of that MI_HOME.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from core.settings import Paths
from tests.support.warehouse_scenario import write_scenario


@pytest.fixture(scope="session")
def built_scenario(tmp_path_factory: pytest.TempPathFactory):
    """(paths, build result) of the hand-built scenario, with its analysts' copy published."""
    from warehouse import build_warehouse

    home = tmp_path_factory.mktemp("mi_home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MI_HOME", str(home))
        paths = Paths(home)
        write_scenario(paths.lake)
        result = build_warehouse(paths)
    assert result.ok, result.error
    return paths, result


@pytest.fixture()
def analysts_db(built_scenario):
    """A read-only connection to the analysts' copy, as an analyst would open it."""
    paths, _ = built_scenario
    connection = duckdb.connect(str(paths.warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture()
def scenario_copy(built_scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """A private copy of the built scenario's MI_HOME, for tests that change the lake."""
    paths, _ = built_scenario
    home = tmp_path / "mi_home"
    shutil.copytree(paths.home, home, ignore=shutil.ignore_patterns(".build.lock"))
    monkeypatch.setenv("MI_HOME", str(home))
    return Paths(home)
