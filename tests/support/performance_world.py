"""A portal over the built small world, for the tests of a provider's own performance.

The portal gets a fresh MI_HOME of its own (users, sessions, audit log) whose
analysts' copy is a link to the session's small world (``small_world`` in
``tests/conftest.py``), opened read-only as in production. The providers are
picked from the warehouse itself: a prime with parking flags and unclaimed
outcomes (the one with most unclaimed outcomes among those flagged), another
prime, and a delivery provider of the first prime that holds no contract.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import uvicorn
from fastapi.testclient import TestClient

from core.settings import Paths
from portal import accounts
from portal.app import create_app
from portal.ratelimit import RateLimits
from tests.portal.conftest import PASSWORD
from tests.support.net import free_port


@dataclass
class PerformanceWorld:
    paths: Paths
    app: object
    warehouse: Path
    prime: str
    other_prime: str
    delivery: str
    tokens: dict[str, str]

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)

    def auth(self, name: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def query(self, sql: str, parameters: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as connection:
            return connection.execute(sql, parameters or []).fetchall()


def pick_providers(warehouse: Path) -> tuple[str, str, str]:
    """(prime, other prime, delivery provider of the prime that holds no contract)."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        prime, other = (
            row[0]
            for row in connection.execute(
                "select prime_ukprn from marts.fct_unclaimed_outcomes where claim_state = 'UNCLAIMED' "
                "group by prime_ukprn order by prime_ukprn in (select prime_ukprn from "
                "marts.mart_parking_indicators where parking_risk) desc, count(*) desc, prime_ukprn limit 2"
            ).fetchall()
        )
        delivery = connection.execute(
            "select delivery_ukprn from marts.fct_outcome_claims where prime_ukprn = ? "
            "and delivery_ukprn not in (select prime_ukprn from marts.mart_contract_review) "
            "group by delivery_ukprn order by count(*) desc, delivery_ukprn limit 1",
            [prime],
        ).fetchone()
    assert delivery is not None, "the small world has no delivery provider"
    return prime, other, delivery[0]


def make_world(home: Path, built_home: Path, *, warehouse: Path | None = None) -> PerformanceWorld:
    """A fresh MI_HOME at ``home`` whose analysts' copy links to ``warehouse`` (default: the built one)."""
    source = warehouse or Paths(built_home).warehouse
    paths = Paths(home)
    paths.warehouse_dir.mkdir(parents=True)
    paths.warehouse.symlink_to(source)
    prime, other, delivery = pick_providers(source)
    accounts.add_user(paths, "pat", role="provider", ukprn=prime, password=PASSWORD)
    accounts.add_user(paths, "otto", role="provider", ukprn=other, password=PASSWORD)
    accounts.add_user(paths, "dora", role="provider", ukprn=delivery, password=PASSWORD)
    accounts.add_user(paths, "ann", role="analyst", password=PASSWORD)
    app = create_app(paths, rate_limits=RateLimits(api_calls=10_000))
    tokens = {name: accounts.issue_token(paths, name) for name in ("pat", "otto", "dora", "ann")}
    return PerformanceWorld(paths, app, source, prime, other, delivery, tokens)


@contextmanager
def serving(app) -> Iterator[str]:
    """The app under uvicorn on a free local port, in a background thread."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="performance-portal", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the portal did not start under uvicorn")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
