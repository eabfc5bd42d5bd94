"""A cache that uses Redis while it answers and the database while it does not.

Sign-in rate limits (allauth) live in the cache, so a cache that raises would lock everybody
out, and one that pretended to work (a dummy) would lift the limits. FailoverCache sends every
call to the PRIMARY cache (Redis, with short socket timeouts) and, when that raises or the cache
breaker (common.breaker) is open, to the FALLBACK cache (Django's DatabaseCache, table
`common_cache_fallback`, created by migration common 0001). Limits therefore keep applying
during an outage, counted afresh in the database.

When Redis answers again, the keys written to the fallback meanwhile, and the writes to Redis
that failed, are deleted from Redis: its copies are older than the outage (a delete or an update
went to the database instead), and a hung Redis runs the commands it had buffered when it wakes
up, so a timed-out `add` of a lock could otherwise hold that lock after the outage.

    CACHES = {
        "default": {"BACKEND": "common.cache.FailoverCache",
                    "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database"}},
        "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", ...},
        "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                     "LOCATION": "common_cache_fallback"},
    }
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

from common import breaker

logger = logging.getLogger("common.cache")

# Keys remembered for deletion from Redis once it is back; beyond this, the oldest are let go
# (they expire in Redis on their own timeout).
MAX_STALE_KEYS = 10_000
WRITES = {"add", "set", "touch", "delete", "incr", "decr", "set_many", "delete_many"}


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import RedisError

    return (RedisError, ConnectionError, TimeoutError, OSError)


class FailoverCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self._primary_alias = options["PRIMARY"]
        self._fallback_alias = options["FALLBACK"]
        self._stale: dict[tuple[str, int | None], None] = {}  # ordered set of (key, version)
        self._stale_lock = threading.Lock()

    @property
    def primary(self) -> BaseCache:
        return caches[self._primary_alias]

    @property
    def fallback(self) -> BaseCache:
        return caches[self._fallback_alias]

    # --- dispatch --------------------------------------------------------------------------
    def _call(self, method: str, keys: list[str], key_version: int | None, /, *args: Any, **kwargs: Any) -> Any:
        if breaker.cache.allow():
            try:
                result = getattr(self.primary, method)(*args, **kwargs)
            except _redis_errors() as exc:
                breaker.cache.failure(exc)
                if method in WRITES:  # it may still be applied, late, by a Redis that was hung
                    self._remember(keys, key_version)
            else:
                if breaker.cache.success():
                    self._repair()
                return result
        if method in WRITES:
            self._remember(keys, key_version)
        return getattr(self.fallback, method)(*args, **kwargs)

    def _remember(self, keys: list[str], version: int | None) -> None:
        with self._stale_lock:
            for key in keys:
                self._stale[(key, version)] = None
            while len(self._stale) > MAX_STALE_KEYS:
                del self._stale[next(iter(self._stale))]

    def _repair(self) -> None:
        with self._stale_lock:
            stale, self._stale = list(self._stale), {}
        by_version: dict[int | None, list[str]] = {}
        for key, version in stale:
            by_version.setdefault(version, []).append(key)
        try:
            for version, keys in by_version.items():
                self.primary.delete_many(keys, version=version)
        except _redis_errors() as exc:
            breaker.cache.failure(exc)
            with self._stale_lock:
                self._stale = {**dict.fromkeys(stale), **self._stale}
            return
        if stale:
            logger.info("Redis cache back: dropped %d keys written during the outage.", len(stale))

    # --- the cache API ---------------------------------------------------------------------
    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call("add", [key], version, key, value, timeout=timeout, version=version)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", [key], version, key, default=default, version=version)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        return self._call("set", [key], version, key, value, timeout=timeout, version=version)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call("touch", [key], version, key, timeout=timeout, version=version)

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._call("delete", [key], version, key, version=version)

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._call("has_key", [key], version, key, version=version)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self._call("incr", [key], version, key, delta=delta, version=version)

    def decr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self._call("decr", [key], version, key, delta=delta, version=version)

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        keys = list(keys)
        return self._call("get_many", keys, version, keys, version=version)

    def set_many(self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list:
        return self._call("set_many", list(data), version, data, timeout=timeout, version=version)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        keys = list(keys)
        return self._call("delete_many", keys, version, keys, version=version)

    def clear(self) -> None:
        # Both: what the fallback holds would otherwise come back after the next outage.
        self._call("clear", [], None)
        self.fallback.clear()

    def close(self, **kwargs: Any) -> None:
        # The primary and fallback are in `caches` too; Django closes them itself after a request.
        pass
