"""How often people and machines may knock: the sign-in and API rate limits, and the caps on
work done at once (password checks, validations).

Sign-in attempts are counted in the ops database (``sign_in_attempts``), so
the limit holds across restarts and processes, and under parallel requests:
:func:`begin_sign_in` checks the limits and counts the attempt in one write
transaction, the attempt counting as a failure until :func:`end_sign_in`
says how it ended. Three counts apply: failures for one account from one
source (the client address, which uvicorn takes from a proxy's headers only
when the proxy is in ``--forwarded-allow-ips``), for one account from
anywhere, and from one source for any account. API calls are counted here, in
memory, per token: they are frequent and a restart forgiving a minute's count
does no harm.

:class:`Slots` caps work that costs memory and CPU (argon2 checks, file
validations): past the cap the caller answers 503 at once instead of queueing,
so a flood cannot starve the rest of the portal.

Not for: authentication itself (``portal/accounts.py``).
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from core.settings import Paths
from portal import opsdb

#: An attempt still "pending" after this long belongs to a process that died mid-check: ignored.
PENDING_TTL = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class RateLimits:
    """The limits one portal applies.

    Attributes:
        sign_in_failures: failed sign-ins allowed per (account, client address)
            within ``sign_in_window`` since the last success; the next attempt is
            refused (429) until the oldest failure ages out.
        sign_in_failures_per_account: failed sign-ins allowed for one account
            from all addresses together (guessing spread over many addresses).
        sign_in_failures_per_source: failed sign-ins allowed from one address
            for all accounts together (one password tried on many accounts).
        sign_in_window: the window for sign-in failures.
        api_calls: API requests allowed per token within ``api_window``.
        api_window: the window for API requests.
        password_checks: argon2 checks (passwords and API tokens) running at
            once; past it the answer is 503 with ``Retry-After``. Each costs
            64 MiB and a core for ~0.1 s.
    """

    sign_in_failures: int = 5
    sign_in_failures_per_account: int = 20
    sign_in_failures_per_source: int = 50
    sign_in_window: dt.timedelta = dt.timedelta(minutes=15)
    api_calls: int = 120
    api_window: dt.timedelta = dt.timedelta(minutes=1)
    password_checks: int = 4


class SlidingWindow:
    """Counts events per key over a sliding window; thread-safe."""

    def __init__(self, limit: int, window: dt.timedelta, clock=time.monotonic):
        self.limit = limit
        self.window = window.total_seconds()
        self._clock = clock
        self._events: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> tuple[bool, int]:
        """Count one event for ``key`` if it is within the limit.

        Returns:
            Whether it is allowed, and (when not) the seconds until it would be.
        """
        now = self._clock()
        with self._lock:
            events = self._events.setdefault(key, collections.deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False, max(1, int(events[0] + self.window - now) + 1)
            events.append(now)
            if len(self._events) > 10_000:
                # Forget idle keys so a stream of random tokens cannot grow memory without end.
                for idle in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
                    del self._events[idle]
            return True, 0


class Slots:
    """A cap on work running at once; taking a slot never waits (thread-safe, loop-safe)."""

    def __init__(self, limit: int):
        if limit < 1:
            raise ValueError("a cap of work at once must be at least 1")
        self.limit = limit
        self._free = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.busy = 0
        #: The most slots ever held at once (what a test or an operator wants to see).
        self.peak = 0

    def try_acquire(self) -> bool:
        if not self._free.acquire(blocking=False):
            return False
        with self._lock:
            self.busy += 1
            self.peak = max(self.peak, self.busy)
        return True

    def release(self) -> None:
        with self._lock:
            self.busy -= 1
        self._free.release()

    @contextlib.contextmanager
    def held(self) -> Iterator[bool]:
        """``with slots.held() as got:`` — ``got`` says whether a slot was free (released on exit)."""
        got = self.try_acquire()
        try:
            yield got
        finally:
            if got:
                self.release()


# --- sign-in attempts ----------------------------------------------------------------------


def _seconds_until(oldest: str, window: dt.timedelta, now: dt.datetime) -> int:
    wait = dt.datetime.fromisoformat(oldest) + window - now
    return max(1, int(wait.total_seconds()) + 1)


def begin_sign_in(paths: Paths, limits: RateLimits, *, account: str, source: str) -> tuple[int | None, int]:
    """Check the sign-in limits and count this attempt, in one write transaction.

    The attempt counts as a failure from now until :func:`end_sign_in`, so
    parallel attempts cannot all pass a check made before any of them failed.

    Args:
        account: the account's key (never a typed name that is no account:
            ``accounts.sign_in_identity`` gives a keyed hash for those).
        source: the client address.

    Returns:
        (attempt id, 0) when the attempt may go ahead; (None, seconds until it
        may) when a limit is reached.
    """
    moment = opsdb.utc_now()
    now, since = opsdb.timestamp(moment), opsdb.timestamp(moment - limits.sign_in_window)
    stale = opsdb.timestamp(moment - PENDING_TTL)
    live = "(outcome = 'failure' or (outcome = 'pending' and at > :stale)) and at > :since"
    args = {"account": account, "source": source, "since": since, "stale": stale}
    with opsdb.connect(paths) as conn, opsdb.transaction(conn):
        conn.execute("delete from sign_in_attempts where at < :since", args)
        last_ok = conn.execute(
            "select max(at) from sign_in_attempts "
            "where account = :account and source = :source and outcome = 'success'",
            args,
        ).fetchone()[0]
        counts = [
            (
                conn.execute(
                    f"select count(*), min(at) from sign_in_attempts where {where} and {live}",
                    {**args, "last_ok": last_ok or ""},
                ).fetchone(),
                limit,
            )
            for where, limit in (
                ("account = :account and source = :source and at > :last_ok", limits.sign_in_failures),
                ("account = :account", limits.sign_in_failures_per_account),
                ("source = :source", limits.sign_in_failures_per_source),
            )
        ]
        reached = [row[1] for row, limit in counts if row[0] >= limit and row[1] is not None]
        if reached:
            return None, max(_seconds_until(oldest, limits.sign_in_window, moment) for oldest in reached)
        cursor = conn.execute(
            "insert into sign_in_attempts (account, source, at, outcome) values (?, ?, ?, 'pending')",
            (account, source, now),
        )
        return int(cursor.lastrowid or 0), 0


def end_sign_in(paths: Paths, attempt_id: int, *, success: bool) -> None:
    """Record how an attempt begun by :func:`begin_sign_in` ended."""
    with opsdb.connect(paths) as conn:
        conn.execute(
            "update sign_in_attempts set outcome = ? where attempt_id = ?",
            ("success" if success else "failure", attempt_id),
        )
