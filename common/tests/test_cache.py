"""FailoverCache: Redis while it answers, the database table while it does not; limits still apply."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from common import breaker
from profiles.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


def _caches(primary: dict) -> dict:
    return {
        "default": {"BACKEND": "common.cache.FailoverCache", "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database"}},
        "redis": primary,
        "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "common_cache_fallback"},
    }


@pytest.fixture
def redis_down(settings):
    settings.CACHES = _caches(
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": NOBODY_LISTENS,
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    )
    settings.REDIS_BREAKER_SECONDS = 60
    caches["database"].clear()


@pytest.fixture
def primary_in_memory(settings):
    """A primary that works (local memory), so a test can make it fail when it wants."""
    settings.CACHES = _caches({"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "primary"})
    settings.REDIS_BREAKER_SECONDS = 60
    caches["redis"].clear()
    caches["database"].clear()


def _fallback_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM common_cache_fallback")
        return cursor.fetchone()[0]


def test_with_redis_down_every_operation_is_answered_by_the_database(redis_down):
    started = time.monotonic()
    assert cache.add("lock", 1, 10) is True
    assert cache.add("lock", 1, 10) is False  # the fallback keeps add's promise: one holder
    cache.set("history", [1.0, 2.0], 60)
    assert cache.get("history") == [1.0, 2.0]
    assert cache.incr("history-count", 1) if cache.add("history-count", 0) else True
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    cache.delete("lock")
    assert cache.get("lock") is None and not cache.has_key("lock")
    assert time.monotonic() - started < 1  # one refused connection, then the breaker skips Redis
    assert breaker.cache.is_open
    assert _fallback_rows() >= 3


def test_once_the_breaker_is_open_redis_is_not_tried_at_all(primary_in_memory):
    primary = caches["redis"]
    with mock.patch.object(type(primary), "get", side_effect=ConnectionError("down")) as failing:
        assert cache.get("k") is None
        assert cache.get("k") is None
        assert cache.get("k") is None
    assert failing.call_count == 1


def test_when_redis_is_back_the_keys_written_meanwhile_are_dropped_from_it(primary_in_memory, settings):
    primary = caches["redis"]
    primary.set("greeting", "old", 300)
    primary.set("unrelated", "kept", 300)
    # A hung Redis times out an add, yet runs it when it wakes: the lock would outlive the outage.
    with mock.patch.object(type(primary), "add", side_effect=TimeoutError("hung")):
        assert cache.add("login:lock", True, 10) is True  # taken in the database instead
    primary.set("login:lock", True, 10)  # what the woken Redis did with the buffered command
    cache.set("greeting", "new during the outage")  # breaker open: the database only
    cache.delete("login:lock")
    assert primary.get("greeting") == "old"

    with mock.patch("common.breaker.time.monotonic", return_value=time.monotonic() + 61):  # cooldown over
        assert cache.get("unrelated") == "kept"  # the probe succeeds: Redis is back
    assert not breaker.cache.is_open
    assert primary.get("login:lock") is None  # no lock left behind to refuse the next sign-in
    assert primary.get("greeting") is None  # no stale copy: the next read misses and refills
    assert primary.get("unrelated") == "kept"


def test_sign_in_works_with_redis_down_and_failed_attempts_are_still_limited(redis_down, settings, client):
    settings.AXES_FAILURE_LIMIT = 100  # let allauth's cache-kept limit be the one that bites
    user = UserFactory(email="pat@example.gov")
    Client().get(reverse("account_login"))  # a warm process: URLconf and templates loaded
    breaker.cache.reset()
    started = time.monotonic()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"})
    assert response.status_code == 302 and time.monotonic() - started < 2
    attacker = Client()
    target = UserFactory(email="lee@example.gov")
    pages = [
        attacker.post(reverse("account_login"), {"login": target.email, "password": f"guess-{n}"}).content.decode()
        for n in range(6)
    ]
    assert "Too many sign-in attempts" not in pages[4]
    assert "Too many sign-in attempts" in pages[5]
    # Even the right password is refused now: the limit holds through the outage.
    right = attacker.post(reverse("account_login"), {"login": target.email, "password": "correct-horse-battery"})
    assert right.status_code == 429 and "_auth_user_id" not in attacker.session  # the one lockout page
