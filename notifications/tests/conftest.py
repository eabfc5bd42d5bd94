"""Fixtures for the reminder tests: a running cycle with participants, in-process Celery."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from profiles.tests.factories import PersonFactory
from programs.models import Enrollment
from programs.tests.factories import CycleFactory, EnrollmentFactory, EventFactory


@pytest.fixture(autouse=True)
def _email_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://mentoring.example.gov"
    settings.DEFAULT_FROM_EMAIL = "Mentorship Program <mentorship@example.gov>"


@pytest.fixture
def cycle(db):
    return CycleFactory()


@pytest.fixture
def participants(cycle):
    """Three approved participants of the cycle, in three time zones."""
    zones = ["America/New_York", "Europe/Paris", "America/Los_Angeles"]
    people = [PersonFactory(time_zone=zone) for zone in zones]
    for person in people:
        EnrollmentFactory(cycle=cycle, person=person, status=Enrollment.Status.APPROVED)
    return people


def backdate(obj, **fields) -> None:
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    obj.refresh_from_db()


@pytest.fixture
def event_in(cycle):
    """An event starting `delta` from now, scheduled two weeks ago."""

    def make(delta: timedelta, **kwargs):
        event = EventFactory(cycle=cycle, starts_at=timezone.now() + delta, **kwargs)
        backdate(event, created_at=timezone.now() - timedelta(days=14))
        return event

    return make


def _reset_broker_connections(app) -> None:
    from kombu import pools

    pools.reset()  # closes and forgets every pooled connection, so the next publish reconnects
    app._pool = None
    if "amqp" in app.__dict__:
        app.__dict__["amqp"]._producer_pool = None


@contextmanager
def celery_broker(url: str, queue: str | None = None) -> Iterator[object]:
    """Make this test process publish to a real broker (and `queue`) instead of running tasks
    in-process."""
    from mentorship.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    app.conf.task_default_queue = queue or saved[2]
    _reset_broker_connections(app)
    try:
        yield app
    finally:
        _reset_broker_connections(app)
        app.conf.task_always_eager, app.conf.broker_url, app.conf.task_default_queue = saved
