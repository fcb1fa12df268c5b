"""Fixtures every test folder may use: an isolated MI_HOME and a fixed test key."""

from __future__ import annotations

import os

import pytest

# Tests never phone home, whatever the developer's environment says.
os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["DAGSTER_DISABLE_TELEMETRY"] = "1"


@pytest.fixture
def mi_home(tmp_path, monkeypatch):
    """A fresh MI_HOME for one test; the pseudonymisation key is generated inside it."""
    home = tmp_path / "mi_home"
    monkeypatch.setenv("MI_HOME", str(home))
    monkeypatch.delenv("MI_PSEUDONYMISATION_KEY", raising=False)
    monkeypatch.delenv("MI_PSEUDONYMISATION_KEY_FILE", raising=False)
    return home
