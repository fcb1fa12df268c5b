"""Fixtures for the portal tests: a fresh MI_HOME with users, an app, and hand-made return files.

Every NINO here is synthetic. Argon2 runs with small parameters in these
tests so that the folder stays fast; ``test_accounts_and_cli.py`` checks the
production parameters and the CLI with the real ones.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import pytest
import uvicorn
from argon2 import PasswordHasher

# Starlette 1.x nudges towards "httpx2" when the test client is imported; the pinned httpx
# works, and pyproject.toml's filterwarnings ("ignore:.*httpx2.*") keeps the nudge quiet.
from fastapi.testclient import TestClient

from core.settings import Paths
from portal import accounts
from portal.app import create_app
from portal.ratelimit import RateLimits
from tests.support.net import free_port

PRIME_A = "10004567"
PRIME_B = "10009999"
PASSWORD = "correct horse battery"
PERIOD = "2026Q2"
MB = 1024 * 1024
HEADER = (
    "contract_id,participant_ref,nino,referral_date,start_date,customer_group,date_of_birth,sex,"
    "ethnicity,disability,impairment_group,la_code,delivery_ukprn,leave_date,leave_reason"
)
#: The NINO of the row that ``participants_csv(bad_rows=...)`` breaks; its suffix E is never issued.
BAD_NINO = "AB123456E"
BAD_NINO_MASKED = "AB****56E"


def participants_csv(ukprn: str = PRIME_A, rows: int = 4, bad_rows: tuple[int, ...] = ()) -> bytes:
    """A participants return; rows listed in ``bad_rows`` (0-based) carry an invalid NINO."""
    lines = [HEADER]
    for i in range(rows):
        nino = BAD_NINO if i in bad_rows else f"AB{123450 + i:06d}C"
        lines.append(
            f"FND00012,P{i:03d},{nino},2026-04-{10 + i % 10:02d},2026-04-{20 + i % 5:02d},JSA_25_PLUS,"
            f"1980-05-{1 + i % 28:02d},F,WHITE,N,,E08000025,{ukprn},,"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def file_name(ukprn: str = PRIME_A, stamp: str = "20260705T101500", dataset: str = "participants") -> str:
    return f"{ukprn}_{dataset}_{PERIOD}_{stamp}.csv"


@dataclass
class World:
    """A portal over a fresh MI_HOME with two providers, an admin and an analyst."""

    paths: Paths
    app: object
    token_a: str
    token_b: str
    token_admin: str

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)


@pytest.fixture
def cheap_hashing(monkeypatch):
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def world(mi_home, cheap_hashing) -> World:
    paths = Paths(mi_home)
    accounts.add_user(paths, "alice", role="provider", ukprn=PRIME_A, password=PASSWORD)
    accounts.add_user(paths, "bob", role="provider", ukprn=PRIME_B, password=PASSWORD)
    accounts.add_user(paths, "root", role="admin", password=PASSWORD)
    accounts.add_user(paths, "ann", role="analyst", password=PASSWORD)
    app = create_app(paths, upload_limit=1 * MB, rate_limits=RateLimits(sign_in_failures=5, api_calls=30))
    return World(
        paths,
        app,
        accounts.issue_token(paths, "alice"),
        accounts.issue_token(paths, "bob"),
        accounts.issue_token(paths, "root"),
    )


@pytest.fixture
def live_portal(world):
    """The world's portal served over real HTTP on a free local port."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(world.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
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


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD):
    page = client.get("/sign-in")
    return client.post(
        "/sign-in", data={"username": name, "password": password, "csrf_token": csrf_of(page.text)}
    )


def signed_in(world: World, name: str) -> TestClient:
    client = world.client()
    response = sign_in(client, name)
    assert response.status_code == 303, response.text
    return client


def upload(
    client: TestClient,
    content: bytes,
    name: str | None = None,
    *,
    dataset: str = "",
    period: str = "",
    csrf: str | None = None,
):
    """Post the upload form as a browser would (fields first, then the file)."""
    if csrf is None:
        csrf = csrf_of(client.get("/upload").text)
    return client.post(
        "/upload",
        data={"csrf_token": csrf, "return": dataset, "period": period},
        files={"file": (name or file_name(), content, "text/csv")},
    )


def api_upload(client: TestClient, token: str, content: bytes, name: str | None = None, **fields):
    return client.post(
        "/api/v1/submissions",
        headers={"Authorization": f"Bearer {token}"},
        data=fields,
        files={"file": (name or file_name(), content, "text/csv")},
    )


def ledger_ids(paths: Paths) -> set[str]:
    from ingest.ledger import Ledger

    with Ledger(paths) as ledger:
        return ledger.ids()


def uploads_left(paths: Paths) -> list:
    folder = paths.ops / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []
