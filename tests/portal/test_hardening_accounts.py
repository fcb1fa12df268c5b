"""API tokens expire and are revoked one by one or, with their disabled user, for good; a set-up
script such as the demo never re-enables a disabled account."""

from __future__ import annotations

import datetime as dt
import io
import sys

from fastapi.testclient import TestClient

from core.settings import Paths
from mi import cli as mi_cli
from mi.demo import DEMO_PROVIDER_PASSWORD, DEMO_PROVIDER_USER, _portal_user
from portal import accounts, audit, opsdb
from tests.portal.conftest import PRIME_A


def _mi(monkeypatch, capsys, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = mi_cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _api_status(app, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return TestClient(app).get("/api/v1/submissions", headers=headers).status_code


def test_a_token_expires_after_a_year_by_default_or_as_configured(world, monkeypatch):
    with opsdb.connect(world.paths) as conn:
        created, expires = conn.execute(
            "select created_at, expires_at from api_tokens where token_id = ?",
            (accounts.token_id_of(world.token_a),),
        ).fetchone()
    lifetime = dt.datetime.fromisoformat(expires) - dt.datetime.fromisoformat(created)
    assert lifetime == dt.timedelta(days=365)
    monkeypatch.setenv("MI_API_TOKEN_DAYS", "30")
    short = accounts.issue_token(world.paths, "alice")
    with opsdb.connect(world.paths) as conn:
        created, expires = conn.execute(
            "select created_at, expires_at from api_tokens where token_id = ?", (accounts.token_id_of(short),)
        ).fetchone()
    assert dt.datetime.fromisoformat(expires) - dt.datetime.fromisoformat(created) == dt.timedelta(days=30)
    assert _api_status(world.app, short) == 200
    # A day past its end it is refused, exactly as an unknown token is.
    with opsdb.connect(world.paths) as conn:
        conn.execute(
            "update api_tokens set expires_at = ? where token_id = ?",
            (opsdb.timestamp(opsdb.utc_now() - dt.timedelta(days=1)), accounts.token_id_of(short)),
        )
    assert accounts.authenticate_token(world.paths, short) is None
    assert _api_status(world.app, short) == 401
    assert _api_status(world.app, world.token_a) == 200  # the user's other token still works
    assert {u.name: n for u, n in accounts.list_users(world.paths)}["alice"] == 1  # live tokens only


def test_a_database_from_before_expiry_gives_old_tokens_a_year(world):
    path = world.paths.ops / "portal.sqlite"
    with opsdb.connect(world.paths) as conn:
        conn.execute("update api_tokens set expires_at = null")
    opsdb._initialised.discard(path)
    with opsdb.connect(world.paths) as conn:
        rows = conn.execute("select created_at, expires_at from api_tokens").fetchall()
    assert rows and all(
        dt.datetime.fromisoformat(e) - dt.datetime.fromisoformat(c) == dt.timedelta(days=365) for c, e in rows
    )
    assert accounts.authenticate_token(world.paths, world.token_a).name == "alice"


def test_mi_users_revoke_token_revokes_one_token(world, monkeypatch, capsys):
    monkeypatch.setenv("MI_HOME", str(world.paths.home))
    second = accounts.issue_token(world.paths, "alice")
    token_id = accounts.token_id_of(world.token_a)
    code, out, _ = _mi(monkeypatch, capsys, "users", "revoke-token", token_id)
    assert code == 0 and f"revoked token {token_id} of alice" in out
    assert _api_status(world.app, world.token_a) == 401
    assert _api_status(world.app, second) == 200  # only that one
    code, _, err = _mi(monkeypatch, capsys, "users", "revoke-token", token_id)
    assert code == 2 and "revoked already" in err
    # The whole token works as an argument too, and is never written to the audit log.
    code, _, _ = _mi(monkeypatch, capsys, "users", "revoke-token", second)
    assert code == 0 and _api_status(world.app, second) == 401
    assert _mi(monkeypatch, capsys, "users", "revoke-token", "mi_0123456789abcdef_x")[0] == 2
    logged = " ".join(f"{e.target} {e.detail}" for e in audit.entries(world.paths))
    assert second.split("_", 2)[2] not in logged
    assert any(e.action == "user_revoke_token" and e.outcome == "success" for e in audit.entries(world.paths))


def test_disabling_a_user_revokes_their_tokens_for_good(world):
    accounts.disable_user(world.paths, "alice")
    assert _api_status(world.app, world.token_a) == 401
    with opsdb.connect(world.paths) as conn:
        revoked = conn.execute(
            "select revoked_at from api_tokens t join users u using (user_id) where u.name = 'alice'"
        ).fetchall()
    assert revoked and all(r[0] is not None for r in revoked)
    # Even if the account were enabled again by hand, the old tokens stay dead.
    with opsdb.connect(world.paths) as conn:
        conn.execute("update users set disabled_at = null where name = 'alice'")
    assert accounts.authenticate_token(world.paths, world.token_a) is None


def test_the_demo_never_re_enables_a_disabled_account(mi_home, cheap_hashing):
    paths = Paths(mi_home)
    summary = {"primes": [{"ukprn": PRIME_A}]}
    assert DEMO_PROVIDER_PASSWORD in _portal_user(paths, summary)
    assert accounts.authenticate_password(paths, DEMO_PROVIDER_USER, DEMO_PROVIDER_PASSWORD) is not None
    accounts.disable_user(paths, DEMO_PROVIDER_USER)
    line = _portal_user(paths, summary)  # what a second `mi demo` prints
    assert "disabled" in line and DEMO_PROVIDER_PASSWORD not in line
    user = accounts.get_user(paths, DEMO_PROVIDER_USER)
    assert user is not None and not user.active
    assert accounts.authenticate_password(paths, DEMO_PROVIDER_USER, DEMO_PROVIDER_PASSWORD) is None
