"""Rate limits and lockouts kept in the service's memory (per process), answered with 429 Retry-After.

`RateLimit`: a token bucket per key (a provider, a bank, a source address): `per_minute` on average,
`burst` at once. `Lockout`: after `max_failures` failures within `window_s`, a key is locked for
`lock_s` (the token endpoint: per client id and per source address).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from servicekit.errors import DomainError

MAX_KEYS = 100_000  # a flood of made-up keys cannot grow the tables without bound


class TooManyRequests(DomainError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(max(1, math.ceil(retry_after)))}


class RateLimit:
    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, when)

    def take(self, key: str) -> float | None:
        """Take one request for `key`; None if allowed, else seconds until one is."""
        if self.rate <= 0:
            return None
        now = self.clock()
        tokens, when = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - when) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate
        if len(self._buckets) >= MAX_KEYS and key not in self._buckets:
            self._buckets.clear()
        self._buckets[key] = (tokens - 1, now)
        return None

    def check(self, key: str, what: str) -> None:
        wait = self.take(key)
        if wait is not None:
            raise TooManyRequests(f"too many {what}: try again in {math.ceil(wait)} s", wait)


class Lockout:
    def __init__(
        self, max_failures: int, window_s: float, lock_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.lock_s = lock_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}

    def locked(self, key: str) -> float | None:
        """Seconds the key stays locked, or None."""
        until = self._locked_until.get(key)
        if until is None:
            return None
        left = until - self.clock()
        if left <= 0:
            del self._locked_until[key]
            return None
        return left

    def failed(self, key: str) -> None:
        now = self.clock()
        if len(self._failures) >= MAX_KEYS and key not in self._failures:
            self._failures.clear()
        recent = self._failures.setdefault(key, deque())
        recent.append(now)
        while recent and recent[0] < now - self.window_s:
            recent.popleft()
        if len(recent) >= self.max_failures:
            self._locked_until[key] = now + self.lock_s
            recent.clear()

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)
