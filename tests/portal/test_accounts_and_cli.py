"""``mi users`` and ``mi serve``: exit statuses, hashes only, audit rows; with the production argon2
parameters."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import mi.cli
from core.settings import Paths
from portal import accounts, audit
from portal import cli as portal_cli
from tests.support.net import free_port

REPO = Path(__file__).resolve().parents[2]
SECRET = "a long enough secret"


def _mi(monkeypatch, capsys, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = mi.cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_users_are_added_listed_given_tokens_and_disabled(mi_home, monkeypatch, capsys):
    code, out, _ = _mi(
        monkeypatch,
        capsys,
        "users",
        "add",
        "Alice",
        "--role",
        "provider",
        "--ukprn",
        "10004567",
        "--password-stdin",
        stdin=SECRET + "\n",
    )
    assert code == 0 and "added alice (provider, UKPRN 10004567)" in out
    assert (
        _mi(
            monkeypatch,
            capsys,
            "users",
            "add",
            "root",
            "--role",
            "admin",
            "--password-stdin",
            stdin=SECRET + "\n",
        )[0]
        == 0
    )

    code, out, err = _mi(monkeypatch, capsys, "users", "token", "alice")
    token = out.strip()
    assert code == 0 and token.startswith("mi_") and "shown once" in err
    paths = Paths(mi_home)
    assert accounts.authenticate_token(paths, token).name == "alice"
    assert accounts.authenticate_password(paths, "alice", SECRET).ukprn == "10004567"

    code, out, _ = _mi(monkeypatch, capsys, "users", "list")
    assert code == 0
    alice_line = next(line for line in out.splitlines() if line.startswith("alice"))
    assert alice_line.split()[:5] == ["alice", "provider", "10004567", "active", "1"]

    code, out, _ = _mi(monkeypatch, capsys, "users", "disable", "alice")
    assert code == 0 and "disabled alice" in out
    assert accounts.authenticate_token(paths, token) is None
    assert accounts.authenticate_password(paths, "alice", SECRET) is None
    assert "disabled" in _mi(monkeypatch, capsys, "users", "list")[1]

    rows = [
        (e.actor.startswith("cli:"), e.action, e.outcome, e.target, e.client) for e in audit.entries(paths)
    ]
    for action in ("user_add", "user_token", "user_list", "user_disable"):
        assert any(r[0] and r[1] == action and r[2] == "success" and r[4] == "local" for r in rows), action


def test_passwords_and_tokens_are_kept_only_as_argon2_hashes(mi_home, monkeypatch, capsys):
    _mi(
        monkeypatch,
        capsys,
        "users",
        "add",
        "alice",
        "--role",
        "provider",
        "--ukprn",
        "10004567",
        "--password-stdin",
        stdin=SECRET + "\n",
    )
    token = _mi(monkeypatch, capsys, "users", "token", "alice")[1].strip()
    database = mi_home / "ops" / "portal.sqlite"
    with sqlite3.connect(database) as conn:
        (password_hash,) = conn.execute("select password_hash from users").fetchone()
        (token_id, secret_hash) = conn.execute("select token_id, secret_hash from api_tokens").fetchone()
    # argon2id with argon2-cffi's RFC 9106 low-memory profile.
    assert password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert secret_hash.startswith("$argon2id$") and token == f"mi_{token_id}_{token.split('_', 2)[2]}"
    stored = b"".join(p.read_bytes() for p in database.parent.glob("portal.sqlite*"))
    assert SECRET.encode() not in stored and token.split("_", 2)[2].encode() not in stored
    assert oct(database.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    "argv, stdin, message",
    [
        (["users", "add", "p", "--role", "provider", "--password-stdin"], SECRET, "needs --ukprn"),
        (
            ["users", "add", "p", "--role", "provider", "--ukprn", "2004567", "--password-stdin"],
            SECRET,
            "8 digits",
        ),
        (
            ["users", "add", "p", "--role", "provider", "--ukprn", "20045678", "--password-stdin"],
            SECRET,
            "8 digits",
        ),
        (
            ["users", "add", "a", "--role", "analyst", "--ukprn", "10004567", "--password-stdin"],
            SECRET,
            "only provider",
        ),
        (["users", "add", "p q", "--role", "admin", "--password-stdin"], SECRET, "user name"),
        (["users", "add", "p", "--role", "admin", "--password-stdin"], "short", "at least 8"),
        (["users", "add", "p", "--role", "admin"], "", "--password-stdin"),
        (["users", "token", "nobody"], "", "no user"),
        (["users", "disable", "nobody"], "", "no user"),
    ],
)
def test_usage_errors_exit_2(mi_home, monkeypatch, capsys, argv, stdin, message):
    code, _, err = _mi(monkeypatch, capsys, *argv, stdin=stdin + "\n")
    assert code == 2 and message in err


def test_a_taken_name_and_an_unknown_role_are_usage_errors(mi_home, monkeypatch, capsys):
    assert (
        _mi(monkeypatch, capsys, "users", "add", "x", "--role", "admin", "--password-stdin", stdin=SECRET)[0]
        == 0
    )
    code, _, err = _mi(
        monkeypatch, capsys, "users", "add", "X", "--role", "admin", "--password-stdin", stdin=SECRET
    )
    assert code == 2 and "already" in err
    with pytest.raises(SystemExit) as exit_:
        _mi(monkeypatch, capsys, "users", "add", "y", "--role", "superuser", "--password-stdin", stdin=SECRET)
    assert exit_.value.code == 2


def test_a_disabled_user_gets_no_new_token(mi_home, monkeypatch, capsys):
    _mi(monkeypatch, capsys, "users", "add", "x", "--role", "admin", "--password-stdin", stdin=SECRET)
    _mi(monkeypatch, capsys, "users", "disable", "x")
    code, out, err = _mi(monkeypatch, capsys, "users", "token", "x")
    assert code == 2 and out == "" and "disabled" in err


def test_the_cli_module_stays_import_light_and_agrees_on_roles():
    assert portal_cli.ROLES == accounts.ROLES
    probe = (
        "import sys, portal.cli; "
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'argon2', 'polars') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_mi_serve_answers_on_the_given_port(mi_home):
    port = free_port()
    env = {**os.environ, "MI_HOME": str(mi_home)}
    server = subprocess.Popen(
        [sys.executable, "-m", "mi.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "mi serve did not start: " + server.stderr.read().decode(errors="replace")[-2000:]
                    )
                time.sleep(0.2)
        assert response.status_code == 200 and "<h1>Sign in</h1>" in response.text
        assert "server" not in response.headers  # no version banner
        api = httpx.get(f"http://127.0.0.1:{port}/api/v1/submissions", timeout=5)
        assert api.status_code == 401 and api.json()["error"] == "unauthorized"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()


def test_ensure_user_creates_or_resets_for_set_up_scripts(mi_home, cheap_hashing):
    paths = Paths(mi_home)
    first = accounts.ensure_user(paths, "demo", role="provider", ukprn="10004567", password="first password")
    # (A disabled account is never re-enabled: test_hardening_accounts.py.)
    again = accounts.ensure_user(paths, "demo", role="provider", ukprn="10004567", password="second password")
    assert again.user_id == first.user_id and again.active
    assert accounts.authenticate_password(paths, "demo", "second password") is not None
    assert accounts.authenticate_password(paths, "demo", "first password") is None


def test_sessions_end_after_being_idle_and_are_swept(mi_home, cheap_hashing):
    from portal import opsdb

    paths = Paths(mi_home)
    user = accounts.add_user(paths, "alice", role="provider", ukprn="10004567", password=SECRET)
    session_id = accounts.start_session(paths, user)
    assert accounts.find_session(paths, session_id).user.name == "alice"
    long_ago = opsdb.timestamp(opsdb.utc_now() - accounts.SESSION_MAX_AGE - accounts.SESSION_IDLE)
    with opsdb.connect(paths) as conn:
        conn.execute("update sessions set last_seen_at = ?", (long_ago,))
    assert accounts.find_session(paths, session_id) is None
    stale = accounts.start_session(paths, user)
    with opsdb.connect(paths) as conn:
        conn.execute("update sessions set created_at = ?", (long_ago,))
    accounts.start_session(paths, user)  # signing in sweeps sessions nobody can use any more
    with opsdb.connect(paths) as conn:
        assert conn.execute("select count(*) from sessions").fetchone()[0] == 1
    assert accounts.find_session(paths, stale) is None
