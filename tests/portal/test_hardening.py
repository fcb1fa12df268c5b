"""The portal under attack: sign-in throttling under parallel requests, the cap on password checks,
the cap on validations, security headers on every answer, and nothing a request carried in any log.

Served over real HTTP by uvicorn with ``mi serve``'s own settings where the
behaviour depends on the server (threads, proxies, uvicorn's loggers).
Every NINO here is synthetic.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import sqlite3
import threading
import time

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from core.settings import Paths
from portal import accounts, audit
from portal.app import create_app
from portal.cli import server_config
from portal.ratelimit import RateLimits
from tests.portal.conftest import (
    MB,
    PASSWORD,
    PRIME_A,
    csrf_of,
    file_name,
    ledger_ids,
    participants_csv,
    sign_in,
    signed_in,
    upload,
    uploads_left,
)
from tests.support.net import free_port
from tests.support.workbooks import SHEET, claim_size, padded_sheet, workbook

GENEROUS = dict(sign_in_failures=1000, sign_in_failures_per_account=1000, sign_in_failures_per_source=1000)


@contextlib.contextmanager
def serve(app, *, forwarded_allow_ips: str = "127.0.0.1"):
    """The app behind uvicorn with ``mi serve``'s settings, on a free local port."""
    port = free_port()
    config = server_config(app, host="127.0.0.1", port=port, forwarded_allow_ips=forwarded_allow_ips)
    config.lifespan = "off"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="portal-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the portal did not start under uvicorn")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _sign_in_form(client: httpx.Client) -> str:
    """Fetch the sign-in form (setting its CSRF cookie) and return its token."""
    return csrf_of(client.get("/sign-in").text)


def _post_sign_in(client: httpx.Client, token: str, name: str, password: str, **headers) -> httpx.Response:
    return client.post(
        "/sign-in", data={"username": name, "password": password, "csrf_token": token}, headers=headers
    )


class CountingHasher:
    """argon2 as the portal uses it, counting the checks running at once (and slowing them if asked)."""

    def __init__(self, inner: PasswordHasher, delay: float = 0.0):
        self.inner = inner
        self.delay = delay
        self.running = 0
        self.peak = 0
        self.calls = 0
        self._lock = threading.Lock()

    def verify(self, stored, password):
        with self._lock:
            self.running += 1
            self.calls += 1
            self.peak = max(self.peak, self.running)
        try:
            if self.delay:
                time.sleep(self.delay)
            return self.inner.verify(stored, password)
        finally:
            with self._lock:
                self.running -= 1

    def __getattr__(self, name):
        return getattr(self.inner, name)


# --- 1. throttling and the cap on password checks ----------------------------------------


def test_parallel_wrong_sign_ins_cannot_pass_the_limit(world, monkeypatch):
    """Twenty wrong passwords at once: five are checked, the rest refused before any check."""
    hasher = CountingHasher(accounts._hasher, delay=0.3)  # wide open window for a race
    monkeypatch.setattr(accounts, "_hasher", hasher)
    app = create_app(world.paths, rate_limits=RateLimits(sign_in_failures=5, password_checks=100))
    with serve(app) as base:
        clients = [httpx.Client(base_url=base, timeout=30) for _ in range(20)]
        tokens = [_sign_in_form(c) for c in clients]
        barrier = threading.Barrier(len(clients))
        answers: list[int] = []

        def attempt(client, token):
            barrier.wait()
            answers.append(_post_sign_in(client, token, "alice", "not the password").status_code)

        threads = [threading.Thread(target=attempt, args=pair) for pair in zip(clients, tokens, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # The right password is refused now too: the limit holds after the flood.
        client = httpx.Client(base_url=base, timeout=30)
        assert _post_sign_in(client, _sign_in_form(client), "alice", PASSWORD).status_code == 429
        for c in [*clients, client]:
            c.close()
    assert sorted(answers) == [401] * 5 + [429] * 15
    assert hasher.calls == 5


def test_the_limits_count_per_account_and_per_source(world):
    app = create_app(
        world.paths,
        rate_limits=RateLimits(
            sign_in_failures=100, sign_in_failures_per_account=4, sign_in_failures_per_source=6
        ),
    )
    # Per account: wrong passwords for alice from four addresses block alice from a fifth.
    for i in range(4):
        client = TestClient(app, follow_redirects=False, client=(f"192.0.2.{i + 1}", 5000))
        assert sign_in(client, "alice", "wrong password").status_code == 401
    elsewhere = TestClient(app, follow_redirects=False, client=("192.0.2.50", 5000))
    assert sign_in(elsewhere, "alice").status_code == 429
    assert sign_in(elsewhere, "bob").status_code == 303  # another account is not blocked
    # Per source: one address trying many accounts (names that exist or not) is blocked for all.
    sprayer = TestClient(app, follow_redirects=False, client=("198.51.100.7", 5000))
    for name in ("bob", "root", "nobody1", "nobody2", "ann", "nobody3"):
        assert sign_in(sprayer, name, "Winter2026!").status_code == 401
    assert sign_in(sprayer, "bob").status_code == 429


def test_the_source_comes_from_a_proxy_header_only_when_the_proxy_is_trusted(world):
    """A client that rotates X-Forwarded-For is still one source unless it is a trusted proxy."""
    limits = RateLimits(sign_in_failures=100, sign_in_failures_per_account=100, sign_in_failures_per_source=3)
    app = create_app(world.paths, rate_limits=limits)
    with serve(app, forwarded_allow_ips="192.0.2.254") as base, httpx.Client(base_url=base) as client:
        codes = [
            _post_sign_in(
                client, _sign_in_form(client), f"user{i}", "guess", **{"X-Forwarded-For": f"203.0.113.{i}"}
            ).status_code
            for i in range(4)
        ]
    assert codes == [401, 401, 401, 429]
    app = create_app(world.paths, rate_limits=limits)
    with serve(app, forwarded_allow_ips="127.0.0.1") as base, httpx.Client(base_url=base) as client:
        token = _sign_in_form(client)
        response = _post_sign_in(client, token, "alice", PASSWORD, **{"X-Forwarded-For": "203.0.113.77"})
        assert response.status_code == 303
    clients = {e.client for e in audit.entries(world.paths) if e.action == "sign_in"}
    assert "203.0.113.77" in clients and "203.0.113.1" not in clients


def test_the_portal_answers_other_pages_while_50_wrong_sign_ins_run(world, monkeypatch):
    """argon2 with the production parameters; at most the cap of checks run at once, the rest are
    answered 503 with Retry-After at once, and pages keep answering quickly."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher())  # 64 MiB, t=3: the real cost
    accounts.add_user(world.paths, "carol", role="provider", ukprn=PRIME_A, password=PASSWORD)
    hasher = CountingHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    app = create_app(world.paths, rate_limits=RateLimits(**GENEROUS, password_checks=2))
    with serve(app) as base:
        reader = httpx.Client(base_url=base, timeout=30)
        _sign_in_form(reader)
        clients = [httpx.Client(base_url=base, timeout=60) for _ in range(50)]
        tokens = [_sign_in_form(c) for c in clients]
        barrier = threading.Barrier(len(clients) + 1)
        answers: list[httpx.Response] = []

        def attempt(client, token):
            barrier.wait()
            answers.append(_post_sign_in(client, token, "carol", "not the password"))

        threads = [threading.Thread(target=attempt, args=pair) for pair in zip(clients, tokens, strict=True)]
        for thread in threads:
            thread.start()
        barrier.wait()
        latencies = []
        while any(t.is_alive() for t in threads) or len(latencies) < 5:
            started = time.monotonic()
            page = reader.get("/sign-in")
            latencies.append(time.monotonic() - started)
            assert page.status_code == 200
            time.sleep(0.02)
        for thread in threads:
            thread.join()
        for c in [*clients, reader]:
            c.close()
    assert max(latencies) < 3.0, f"a page took {max(latencies):.2f} s during the flood"  # ~15 s uncapped
    assert hasher.peak <= 2, f"{hasher.peak} password checks ran at once"
    codes = sorted(r.status_code for r in answers)
    assert set(codes) <= {401, 503} and codes.count(503) > 0, codes
    assert all(r.headers["retry-after"] == "1" for r in answers if r.status_code == 503)


def test_api_token_checks_share_the_cap(world):
    app = create_app(world.paths, rate_limits=RateLimits(password_checks=1))
    portal = app.state.portal
    client = TestClient(app)
    assert portal.password_checks.try_acquire()  # someone else's check is running
    try:
        busy = client.get("/api/v1/submissions", headers={"Authorization": f"Bearer {world.token_a}"})
    finally:
        portal.password_checks.release()
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    assert busy.json()["error"] == "busy"
    ok = client.get("/api/v1/submissions", headers={"Authorization": f"Bearer {world.token_a}"})
    assert ok.status_code == 200


# --- 3. the cap on validations -------------------------------------------------------------


def test_past_the_cap_of_validations_an_upload_is_503_and_nothing_is_kept(world):
    app = create_app(world.paths, upload_limit=1 * MB, max_validations=1)
    portal = app.state.portal
    client = TestClient(app, follow_redirects=False)
    assert sign_in(client, "alice").status_code == 303
    api = TestClient(app)
    assert portal.validations.try_acquire()  # another upload is being validated
    try:
        page = upload(client, participants_csv(), file_name())
        answer = api.post(
            "/api/v1/submissions",
            headers={"Authorization": f"Bearer {world.token_a}"},
            files={"file": (file_name(stamp="20260705T101501"), participants_csv(), "text/csv")},
        )
    finally:
        portal.validations.release()
    assert page.status_code == 503 and int(page.headers["retry-after"]) > 0
    assert "Nothing of this upload has been kept" in page.text
    assert answer.status_code == 503 and int(answer.headers["retry-after"]) > 0
    assert answer.json()["error"] == "busy"
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []
    assert upload(client, participants_csv(), file_name()).status_code == 303  # free again


def test_the_cap_of_validations_comes_from_the_environment(world, monkeypatch):
    monkeypatch.setenv("MI_MAX_VALIDATIONS", "3")
    assert create_app(world.paths).state.portal.validations.limit == 3
    monkeypatch.delenv("MI_MAX_VALIDATIONS")
    assert create_app(world.paths).state.portal.validations.limit == 2


# --- 7. security headers on every answer ---------------------------------------------------


def _assert_guarded(response: httpx.Response, *, no_store: bool = True) -> None:
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    if no_store:
        assert response.headers["cache-control"] == "no-store"


def _explode(*args, **kwargs):
    raise RuntimeError("boom")


def test_every_answer_carries_the_security_headers_500s_included(world, monkeypatch):
    client = signed_in(world, "alice")
    api = {"Authorization": f"Bearer {world.token_a}"}
    _assert_guarded(client.get("/submissions"))  # a signed-in page
    _assert_guarded(client.get("/api/v1/submissions", headers=api))  # the API
    _assert_guarded(client.get("/no-such-page"))  # 404 page
    _assert_guarded(client.get("/api/v1/nothing", headers=api))  # 404 JSON
    _assert_guarded(client.post("/sign-out", content=b"x" * 100_000))  # 413
    _assert_guarded(client.get("/api/v1/submissions"))  # 401
    monkeypatch.setattr("portal.pages.visible_submissions", _explode)
    monkeypatch.setattr("portal.api.visible_submissions", _explode)
    page = client.get("/submissions")
    assert page.status_code == 500 and "problem with the service" in page.text
    _assert_guarded(page)
    answer = client.get("/api/v1/submissions", headers=api)
    assert answer.status_code == 500 and answer.json()["error"] == "internal_error"
    _assert_guarded(answer)
    assert "strict-transport-security" not in answer.headers  # plain http: HSTS means nothing


def test_hsts_is_sent_over_https_errors_included(world, monkeypatch):
    client = TestClient(world.app, base_url="https://portal.example", follow_redirects=False)
    assert "max-age=" in client.get("/sign-in").headers["strict-transport-security"]
    assert "max-age=" in client.get("/no-such-page").headers["strict-transport-security"]
    monkeypatch.setattr("portal.pages._sign_in_page", _explode)
    broken = client.get("/sign-in")
    assert broken.status_code == 500 and "max-age=" in broken.headers["strict-transport-security"]


# --- 2. nothing a request carried reaches a log --------------------------------------------

ROW_NINO = "AB123450C"
REF_NINO = "CE654321A"


def _hostile_return() -> bytes:
    """A participants return whose rows carry values that must never reach a log."""
    rows = participants_csv(rows=3, bad_rows=(1,)).decode().splitlines()
    rows[3] = rows[3].replace("P002", REF_NINO)  # a NINO as participant_ref
    return ("\n".join(rows) + "\n").encode()


def _values_of(content: bytes) -> set[str]:
    cells = {c for line in content.decode().splitlines()[1:] for c in line.split(",")}
    # Distinctive values only: codes and dates recur in any log line by chance.
    return {
        c for c in cells if len(c) >= 8 and any(ch.isalpha() for ch in c) and any(ch.isdigit() for ch in c)
    }


def _audit_text(paths: Paths) -> str:
    with sqlite3.connect(paths.ops / "portal.sqlite") as conn:
        return "\n".join(" ".join(str(v) for v in row) for row in conn.execute("select * from audit"))


def test_a_failing_validation_leaves_no_row_value_in_any_log(world, monkeypatch, caplog):
    content = _hostile_return()
    values = _values_of(content)
    assert {ROW_NINO, REF_NINO, "AB123456E"} <= values
    caplog.set_level(logging.DEBUG)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        monkeypatch.setattr(logging.getLogger(name), "handlers", [caplog.handler])
    import ingest.validate

    real_prepare = ingest.validate.prepare_frame
    calls = []

    def reader_that_quotes_rows(frame, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the second upload: a library error that quotes the row it choked on
            raise ValueError("could not convert row: " + content.decode().splitlines()[2])
        return real_prepare(frame, *args, **kwargs)

    monkeypatch.setattr(ingest.validate, "prepare_frame", reader_that_quotes_rows)
    app = create_app(world.paths, upload_limit=1 * MB)
    with serve(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        # A failed sign-in with a password typed as the user name: never written down as typed.
        token = _sign_in_form(client)
        assert _post_sign_in(client, token, "QQ123456C-hunter2", "x").status_code == 401
        token = _sign_in_form(client)
        assert _post_sign_in(client, token, "alice", PASSWORD).status_code == 303
        for stamp in ("20260705T101500", "20260705T101600"):
            form = client.get("/upload").text
            response = client.post(
                "/upload",
                data={"csrf_token": csrf_of(form)},
                files={"file": (file_name(stamp=stamp), content, "text/csv")},
            )
            assert response.status_code in (303, 500)
            if response.status_code == 500:
                _assert_guarded(response)
        feedback = client.get(response.headers.get("location", "/submissions")).text
        # Even a path can carry data: a NINO and a control character in a submission address.
        client.get("/submissions/" + ROW_NINO + "%0Aforged%20line")
    assert len(calls) == 2 and response.status_code == 500
    # What the server side logged (the test's own HTTP client logs its requests: not the portal's).
    logged = "\n".join(
        caplog.handler.format(r) for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    )
    assert "unhandled ValueError" in logged  # the error was logged: by its type and frames
    kept = logged + _audit_text(world.paths)
    for value in values | {"QQ123456C", "hunter2", "QQ123456C-hunter2"}:
        assert value not in kept, value
    assert "\nforged" not in _audit_text(world.paths)
    assert REF_NINO not in feedback and ROW_NINO not in feedback
    actors = {e.actor for e in audit.entries(world.paths) if e.action == "sign_in"}
    assert "alice" in actors and any(a.startswith("unknown:") for a in actors)


def test_audit_fields_are_clipped_and_stripped_of_control_characters(world):
    audit.record(
        world.paths,
        actor="eve\r\n2026-01-01 admin sign_in success",
        action="view\x1b[2Jpage",
        outcome="ok\x00",
        client="1.2.3.4\n",
        target="x" * 5000,
        detail="about QQ 12 34 56 C\tand more",
    )
    entry = audit.entries(world.paths, limit=1)[0]
    for text in (entry.actor, entry.action, entry.outcome, entry.client, entry.target, entry.detail):
        assert text is not None and all(ch.isprintable() for ch in text), text
    assert entry.actor == "eve2026-01-01 admin sign_in success"
    assert len(entry.target or "") == 200
    assert "123456" not in (entry.detail or "") and "QQ****56C" in (entry.detail or "")


def test_sign_in_limits_forget_attempts_older_than_the_window(world):
    limits = RateLimits(sign_in_failures=2, sign_in_window=dt.timedelta(minutes=15))
    app = create_app(world.paths, rate_limits=limits)
    client = TestClient(app, follow_redirects=False)
    for _ in range(2):
        assert sign_in(client, "alice", "wrong password").status_code == 401
    assert sign_in(client, "alice").status_code == 429
    with sqlite3.connect(world.paths.ops / "portal.sqlite") as conn:
        conn.execute("update sign_in_attempts set at = '2000-01-01T00:00:00.000000'")
    assert sign_in(client, "alice").status_code == 303


def test_a_workbook_that_lies_about_its_sizes_is_413_and_nothing_kept(world):
    liar = claim_size(workbook(padded_sheet(3 * MB)), SHEET, 500)  # the world's limit is 1 MB
    client = signed_in(world, "alice")
    page = upload(client, liar, file_name().replace(".csv", ".xlsx"))
    assert page.status_code == 413 and "zip bomb" in page.text
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_a_typed_name_that_is_no_account_is_kept_only_as_a_keyed_hash(world, tmp_path):
    first = accounts.sign_in_identity(world.paths, "Hunter2-Passphrase")
    assert first == accounts.sign_in_identity(world.paths, "hunter2-passphrase ")
    digest = first.actor.removeprefix("unknown:")
    assert first.actor.startswith("unknown:") and first.account == f"name:{digest}"
    assert "hunter2" not in first.actor.lower()
    assert digest not in hashlib.sha256(b"hunter2-passphrase").hexdigest()  # keyed, not a plain hash
    elsewhere = accounts.sign_in_identity(Paths(tmp_path / "another_home"), "hunter2-passphrase")
    assert elsewhere.actor != first.actor  # each installation has its own key
    alice = accounts.get_user(world.paths, "alice")
    assert accounts.sign_in_identity(world.paths, " Alice") == accounts.SignInIdentity(
        f"user:{alice.user_id}", "alice"
    )


def test_a_page_never_echoes_a_value_shaped_like_a_nino(world):
    client = signed_in(world, "alice")

    def post(period: str):
        token = csrf_of(client.get("/upload").text)
        return client.post(
            "/upload",
            data={"csrf_token": token, "return": "participants", "period": period},
            files={"file": ("return.csv", participants_csv(), "text/csv")},
        )

    page = post("QQ123456C")
    assert page.status_code == 422  # the period is not valid, and the form shows it back to be corrected
    assert "QQ123456C" not in page.text and 'value="QQ****56C"' in page.text
    assert 'value="2026-Q5"' in post("2026-Q5").text  # anything else is shown as typed


def test_a_json_answer_never_carries_a_value_shaped_like_a_nino(world, tmp_path):
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from ingest.submit import submit_file
    from portal.app import GuardMiddleware

    def echo(request):
        return JSONResponse({"participant_ref": "QQ123456C", "rows": [{"ref": "ab 12 34 56 c"}, "P-1", 7]})

    tiny = TestClient(GuardMiddleware(Starlette(routes=[Route("/api/v1/echo", echo)])))
    answer = tiny.get("/api/v1/echo")
    assert answer.json() == {"participant_ref": "QQ****56C", "rows": [{"ref": "AB****56C"}, "P-1", 7]}
    assert int(answer.headers["content-length"]) == len(answer.content)
    # Through the portal: a return recorded (by mi submit) under a name that is a NINO.
    path = tmp_path / "upload.csv"
    path.write_bytes(participants_csv())
    submit_file(
        path, ukprn=PRIME_A, dataset="participants", period="2026Q2", file_name="CE654321A", paths=world.paths
    )
    listing = TestClient(world.app).get(
        "/api/v1/submissions", headers={"Authorization": f"Bearer {world.token_a}"}
    )
    assert listing.status_code == 200 and "CE654321A" not in listing.text
    assert listing.json()["submissions"][0]["file_name"] == "CE****21A"


def test_uvicorns_error_log_keeps_an_exceptions_type_never_its_text(world, caplog):
    server_config(world.app, host="127.0.0.1", port=free_port(), forwarded_allow_ips="127.0.0.1")
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(caplog.handler)
    try:
        try:
            raise ValueError(f"row 3: P001,{ROW_NINO},1980-05-01")
        except ValueError as exc:
            logger.error("Exception in ASGI application\n", exc_info=exc)
    finally:
        logger.removeHandler(caplog.handler)
    text = "\n".join(caplog.handler.format(r) for r in caplog.records)
    assert "Exception in ASGI application (ValueError)" in text
    assert ROW_NINO not in text and "P001" not in text


def test_a_csv_answer_never_carries_a_cell_shaped_like_a_nino(world):
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from portal.app import GuardMiddleware

    table = 'participant_ref,outcome_type\r\nQQ123456C,JOB_OUTCOME\r\nP-1,"QQ 12, 34"\r\n'

    def claims(request):
        return Response(table, media_type="text/csv")

    def plain(request):
        return Response("participant_ref\r\nP-1\r\n", media_type="text/csv")

    tiny = TestClient(GuardMiddleware(Starlette(routes=[Route("/c.csv", claims), Route("/p.csv", plain)])))
    answer = tiny.get("/c.csv")
    assert answer.text == 'participant_ref,outcome_type\r\nQQ****56C,JOB_OUTCOME\r\nP-1,"QQ 12, 34"\r\n'
    assert int(answer.headers["content-length"]) == len(answer.content)
    assert tiny.get("/p.csv").text == "participant_ref\r\nP-1\r\n"  # nothing to mask: the same bytes
