"""In-memory sliding-window rate limits.

Two limits protect the application (both per process: with several worker processes each counts on its
own, which still bounds an attacker to N times the limit):

* failed logins: :data:`LOGIN_FAILURES` per username and client address within
  :data:`LOGIN_WINDOW` seconds (and :data:`LOGIN_FAILURES_PER_ADDRESS` per address, whatever the
  username), then 429 with ``Retry-After`` until the oldest failure leaves the window; a success
  clears the username's count;
* API requests: ``Settings.api_rate_limit`` (``AKTSAM_API_RATE_LIMIT``, default 300) per token per
  minute.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

LOGIN_FAILURES = 10
LOGIN_FAILURES_PER_ADDRESS = 100
LOGIN_WINDOW = 300.0
API_WINDOW = 60.0
MAX_KEYS = 100_000  # beyond this many tracked keys the idle ones are dropped


class SlidingWindowLimiter:
    """At most ``limit`` events per key in any ``window`` seconds.

    :meth:`hit` counts an event and says whether it was allowed; :meth:`blocked` only looks;
    :meth:`add` counts without checking (failed logins are counted after the fact). Thread-safe:
    FastAPI runs plain ``def`` dependencies in a thread pool."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        events = self._events.get(key)
        if events is None:
            if len(self._events) >= MAX_KEYS:
                self._drop_idle(now)
            events = self._events[key] = deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def _drop_idle(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
            del self._events[key]

    def _retry_after(self, events: deque[float], now: float) -> int:
        return max(1, math.ceil(events[0] + self.window - now))

    def blocked(self, key: str) -> int | None:
        """Seconds until ``key`` may act again, or ``None`` when it may now."""
        with self._lock:
            now = self.clock()
            events = self._prune(key, now)
            return self._retry_after(events, now) if len(events) >= self.limit else None

    def add(self, key: str) -> None:
        """Count one event for ``key``."""
        with self._lock:
            now = self.clock()
            self._prune(key, now).append(now)

    def hit(self, key: str) -> int | None:
        """Count one event if allowed; ``None`` when allowed, else the seconds to wait."""
        with self._lock:
            now = self.clock()
            events = self._prune(key, now)
            if len(events) >= self.limit:
                return self._retry_after(events, now)
            events.append(now)
            return None

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


class Limits:
    """The application's limiters (one set per application, on ``app.state.limits``)."""

    def __init__(self, api_per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.login = SlidingWindowLimiter(LOGIN_FAILURES, LOGIN_WINDOW, clock)
        self.login_address = SlidingWindowLimiter(LOGIN_FAILURES_PER_ADDRESS, LOGIN_WINDOW, clock)
        self.api = SlidingWindowLimiter(api_per_minute, API_WINDOW, clock)

    @staticmethod
    def login_key(username: str, address: str) -> str:
        return f"{username.strip().lower()}|{address}"

    def login_blocked(self, username: str, address: str) -> int | None:
        """Seconds to wait before another login attempt, or ``None``."""
        waits = [
            w
            for w in (
                self.login.blocked(self.login_key(username, address)),
                self.login_address.blocked(address),
            )
            if w is not None
        ]
        return max(waits) if waits else None

    def login_failed(self, username: str, address: str) -> None:
        self.login.add(self.login_key(username, address))
        self.login_address.add(address)

    def login_succeeded(self, username: str, address: str) -> None:
        self.login.reset(self.login_key(username, address))


__all__ = [
    "API_WINDOW",
    "LOGIN_FAILURES",
    "LOGIN_FAILURES_PER_ADDRESS",
    "LOGIN_WINDOW",
    "Limits",
    "SlidingWindowLimiter",
]
