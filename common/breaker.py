"""A circuit breaker for Redis: after one failure, skip it for a few seconds.

A hung Redis (the process stopped, the TCP connection still accepted by the kernel) costs every
call its full socket timeout. Once a call has failed, the breaker is *open* and callers go
straight to their fallback (the database cache, the pending-task table) for
`REDIS_BREAKER_SECONDS`. Then one caller is let through to probe: success closes the breaker,
failure opens it again. So a page pays for at most one timeout per process per few seconds.

State is per process (each gunicorn worker learns on its own): nothing shared can be trusted
while the shared thing is the one failing.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger("common.breaker")


class CircuitBreaker:
    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._open_until = 0.0  # monotonic time; 0 while closed
        self._failures = 0

    @property
    def cooldown(self) -> float:
        # Read at call time, so a deployment (or a test) can change it without a restart.
        return float(getattr(settings, "REDIS_BREAKER_SECONDS", 5.0))

    @property
    def is_open(self) -> bool:
        return self._open_until > 0

    def allow(self) -> bool:
        """True if the caller may try Redis now. While open, only one probe per cooldown passes."""
        with self._lock:
            if not self._open_until:
                return True
            now = time.monotonic()
            if now < self._open_until:
                return False
            # Half-open: this caller probes; everyone else keeps skipping until it reports back.
            self._open_until = now + self.cooldown
            return True

    def failure(self, error: BaseException | None = None) -> None:
        with self._lock:
            was_open = bool(self._open_until)
            self._failures += 1
            self._open_until = time.monotonic() + self.cooldown
        if not was_open:
            logger.warning("%s unreachable (%s); skipping it for %.1fs.", self.name, error, self.cooldown)

    def success(self) -> bool:
        """Record a working call. Returns True if this closed an open breaker (Redis is back)."""
        if not self._open_until:  # the common case, without taking the lock
            return False
        with self._lock:
            was_open = bool(self._open_until)
            self._open_until, self._failures = 0.0, 0
        if was_open:
            logger.warning("%s answers again.", self.name)
        return was_open

    def reset(self) -> None:
        with self._lock:
            self._open_until, self._failures = 0.0, 0


# One per thing that can fail on its own: the broker and the cache may be different Redis servers.
broker = CircuitBreaker("Celery broker")
cache = CircuitBreaker("Redis cache")


def reset_all() -> None:
    broker.reset()
    cache.reset()
