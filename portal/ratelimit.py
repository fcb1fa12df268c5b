"""How often people and machines may knock: the sign-in and API rate limits.

Sign-in failures are counted from the audit log (``portal/audit.py``), so the
limit holds across restarts and processes. API calls are counted here, in
memory, per token: they are frequent and a restart forgiving a minute's count
does no harm.

Not for: authentication itself (``portal/accounts.py``).
"""

from __future__ import annotations

import collections
import datetime as dt
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimits:
    """The limits one portal applies.

    Attributes:
        sign_in_failures: failed sign-ins allowed per (user name, client address)
            within ``sign_in_window``; the next attempt is refused (429) until
            the oldest failure ages out.
        sign_in_window: the window for sign-in failures.
        api_calls: API requests allowed per token within ``api_window``.
        api_window: the window for API requests.
    """

    sign_in_failures: int = 5
    sign_in_window: dt.timedelta = dt.timedelta(minutes=15)
    api_calls: int = 120
    api_window: dt.timedelta = dt.timedelta(minutes=1)


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
