"""Fixtures every test folder may use: an isolated MI_HOME and a fixed test key."""

from __future__ import annotations

import os
import sys

import pytest

# Tests never phone home, whatever the developer's environment says.
os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["DAGSTER_DISABLE_TELEMETRY"] = "1"

# pytest-xdist's workers (make test runs two) start with a __main__ module that has neither
# __spec__ nor __file__. pyspark.sql.connect, which great-expectations imports, takes such a
# process for a doctest run and calls sys.exit(0) when Spark Connect's extras are missing:
# every test that runs the release's quality gate would end with SystemExit. A name for
# __main__ tells it this is no doctest; a plain `pytest` process already has one.
_main = sys.modules["__main__"]
if getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = "<pytest-xdist worker>"


@pytest.fixture
def mi_home(tmp_path, monkeypatch):
    """A fresh MI_HOME for one test; the pseudonymisation key is generated inside it."""
    home = tmp_path / "mi_home"
    monkeypatch.setenv("MI_HOME", str(home))
    monkeypatch.delenv("MI_PSEUDONYMISATION_KEY", raising=False)
    monkeypatch.delenv("MI_PSEUDONYMISATION_KEY_FILE", raising=False)
    return home


@pytest.fixture(scope="session")
def small_world(tmp_path_factory):
    """The small synthetic world, submitted and built once per test session (read-only for tests).

    Returns the MI_HOME folder. Tests that change anything copy it first
    (``tests.support.worlds.copy_home``).
    """
    from tests.support.worlds import build_small_world

    root = tmp_path_factory.mktemp("small_world")
    build_small_world(root / "home", world=root / "world")
    return root / "home"


@pytest.fixture(scope="session")
def small_world_files(small_world):
    """The synthetic files the small world was built from (reference/ and submissions/)."""
    return small_world.parent / "world"
