"""The Redis breaker: one failure opens it, one probe per cooldown, a success closes it."""

from __future__ import annotations

import time

from common.breaker import CircuitBreaker


def test_a_failure_opens_it_and_callers_skip_until_the_cooldown_ends(settings):
    settings.REDIS_BREAKER_SECONDS = 0.2
    breaker = CircuitBreaker("test")
    assert breaker.allow() and not breaker.is_open
    breaker.failure(OSError("refused"))
    assert breaker.is_open
    assert [breaker.allow() for _ in range(50)] == [False] * 50
    time.sleep(0.25)
    # Half-open: one caller probes, the others keep skipping while it does.
    assert breaker.allow() is True
    assert breaker.allow() is False
    assert breaker.success() is True  # the probe worked: closed, and the caller is told so
    assert not breaker.is_open and breaker.allow()
    assert breaker.success() is False  # already closed: nothing to report


def test_a_failed_probe_opens_it_for_another_cooldown(settings):
    settings.REDIS_BREAKER_SECONDS = 0.1
    breaker = CircuitBreaker("test")
    breaker.failure(TimeoutError())
    time.sleep(0.15)
    assert breaker.allow()
    breaker.failure(TimeoutError())
    assert not breaker.allow()
    time.sleep(0.15)
    assert breaker.allow()


def test_the_cooldown_is_read_when_used(settings):
    settings.REDIS_BREAKER_SECONDS = 60
    breaker = CircuitBreaker("test")
    breaker.failure(OSError())
    assert not breaker.allow()
    breaker.reset()
    assert breaker.allow()
