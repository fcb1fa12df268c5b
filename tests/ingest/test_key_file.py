"""The pseudonymisation key file: created race-free, refused when short or not private; MI_HOME 0700."""

from __future__ import annotations

import os
import stat
import threading
import time

import pytest

from core.settings import Paths
from ingest import pseudonymise
from ingest.pseudonymise import KeyError_, load_key


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_mi_home_and_its_secrets_are_created_private(mi_home):
    Paths(mi_home).ensure()
    assert _mode(mi_home) == 0o700
    assert _mode(mi_home / "secrets") == 0o700


def test_the_generated_key_makes_mi_home_private_too(mi_home):
    key = load_key()
    assert len(key) >= 32
    assert _mode(mi_home) == 0o700
    assert _mode(mi_home / "secrets" / "pseudonymisation.key") == 0o600


def test_a_reader_never_sees_the_key_empty_while_it_is_being_made(mi_home, monkeypatch):
    """The key is written before its name appears: readers racing the writer get the whole key."""
    real_token_hex = pseudonymise.secrets.token_hex

    def slow_token_hex(n):
        time.sleep(0.3)  # a writer that is slow to produce its key
        return real_token_hex(n)

    monkeypatch.setattr(pseudonymise.secrets, "token_hex", slow_token_hex)
    keys: list[bytes | Exception] = []

    def read_key():
        try:
            keys.append(load_key())
        except Exception as exc:  # collected and failed on below
            keys.append(exc)

    threads = [threading.Thread(target=read_key) for _ in range(6)]
    for i, thread in enumerate(threads):
        thread.start()
        time.sleep(0.05 * (i % 3))
    for thread in threads:
        thread.join()
    assert all(isinstance(k, bytes) for k in keys), keys
    assert len(set(keys)) == 1 and len(keys[0]) >= 32
    leftovers = [p.name for p in (mi_home / "secrets").iterdir()]
    assert leftovers == ["pseudonymisation.key"]


def test_a_short_key_is_refused(mi_home):
    path = mi_home / "secrets" / "pseudonymisation.key"
    Paths(mi_home).ensure()
    path.write_bytes(b"too-short-a-key")
    path.chmod(0o600)
    with pytest.raises(KeyError_, match="too short"):
        load_key()


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o610, 0o644])
def test_a_key_file_others_may_use_is_refused(mi_home, mode):
    path = mi_home / "secrets" / "pseudonymisation.key"
    load_key()
    path.chmod(mode)
    with pytest.raises(KeyError_, match="chmod 600"):
        load_key()


def test_a_configured_key_file_is_held_to_the_same_rules(tmp_path, mi_home, monkeypatch):
    path = tmp_path / "configured.key"
    path.write_bytes(os.urandom(16).hex().encode() * 2)
    path.chmod(0o644)
    monkeypatch.setenv("MI_PSEUDONYMISATION_KEY_FILE", str(path))
    with pytest.raises(KeyError_, match="group or others"):
        load_key()
    path.chmod(0o400)
    assert load_key() == path.read_bytes()
    monkeypatch.setenv("MI_PSEUDONYMISATION_KEY", "x" * 31)
    with pytest.raises(KeyError_, match="at least 32"):
        load_key()


def test_every_way_in_creates_mi_home_private(tmp_path, monkeypatch):
    """Paths.ensure, the portal's database and the Dagster instance all make a new MI_HOME 0700."""
    from orchestration.instance import ensure_dagster_home
    from portal import opsdb

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "unused"))  # restored after the test

    def portal_database(paths: Paths) -> None:
        with opsdb.connect(paths):
            pass

    for n, make in enumerate((Paths.ensure, portal_database, ensure_dagster_home)):
        paths = Paths(tmp_path / f"home{n}")
        make(paths)
        assert _mode(paths.home) == 0o700, n
