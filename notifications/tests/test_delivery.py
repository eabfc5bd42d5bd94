"""Sent once, never lost: claims, retries, stale claims, broker outages."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications import tasks
from notifications.enqueue import enqueue
from notifications.models import Delivery, Kind
from notifications.services import delivery_send, sweep
from notifications.services.claims import claims_for_people, deliveries_claim
from notifications.services.sending import TransientSendError
from notifications.services.sweep import invitation_due
from notifications.tests.conftest import celery_broker


@pytest.fixture
def pending(participants, event_in):
    """Three pending invitations, claimed but not yet handed to a worker."""
    event = event_in(timedelta(days=20))
    deliveries_claim(
        rows=claims_for_people(participants, kind=Kind.EVENT_INVITATION, obj=event, due=invitation_due(event))
    )
    return list(Delivery.objects.order_by("pk"))


def test_claiming_the_same_key_twice_keeps_one_row(pending, participants):
    event_id = pending[0].object_id
    from programs.models import Event

    event = Event.objects.get(pk=event_id)
    deliveries_claim(
        rows=claims_for_people(participants, kind=Kind.EVENT_INVITATION, obj=event, due=invitation_due(event))
    )
    assert Delivery.objects.count() == 3


def test_a_delivery_run_twice_mails_once(pending):
    first = pending[0]
    assert delivery_send(delivery_id=first.pk) == "sent"
    assert delivery_send(delivery_id=first.pk) == "not-mine"
    tasks.deliver.delay(first.pk)  # a duplicated task message
    assert len(mail.outbox) == 1
    first.refresh_from_db()
    assert first.status == Delivery.Status.SENT and first.sent_at and first.attempts == 1


def test_the_message_id_is_stored_before_sending_and_a_resend_of_a_lost_mark_reuses_it(pending, settings):
    target = pending[0]
    assert delivery_send(delivery_id=target.pk) == "sent"
    target.refresh_from_db()
    first = mail.outbox[0].extra_headers["Message-ID"]
    assert first == target.message_id and first.startswith(f"<delivery-{target.pk}.")
    assert first.endswith("@mentoring.example.gov>")
    # The mark was lost (say the worker died right after the relay accepted) and the claim is stale.
    Delivery.objects.filter(pk=target.pk).update(
        status=Delivery.Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1), sent_at=None
    )
    assert delivery_send(delivery_id=target.pk) == "sent"
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [first, first]


def test_a_claim_left_by_a_dead_worker_is_sent_once_when_it_goes_stale(pending, settings):
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 600
    taken = pending[0]
    # A worker took it, then died before mailing.
    Delivery.objects.filter(pk=taken.pk).update(status=Delivery.Status.SENDING, claimed_at=timezone.now())
    sweep()
    assert taken.email not in [m.to[0] for m in mail.outbox]  # still fresh: maybe still sending

    Delivery.objects.filter(pk=taken.pk).update(claimed_at=timezone.now() - timedelta(minutes=11))
    sweep()
    sweep()
    assert [m.to[0] for m in mail.outbox].count(taken.email) == 1
    taken.refresh_from_db()
    assert taken.status == Delivery.Status.SENT and taken.attempts == 1


def test_an_smtp_failure_releases_the_claim_and_a_retry_sends_it(pending, monkeypatch, settings):
    from notifications.services import sending

    real = sending.transmit
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise SMTPServerDisconnected("relay went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(sending, "transmit", flaky)
    target = pending[0]
    with pytest.raises(TransientSendError):
        delivery_send(delivery_id=target.pk)
    target.refresh_from_db()
    assert target.status == Delivery.Status.PENDING and "relay went away" in target.last_error
    assert delivery_send(delivery_id=target.pk) == "sent"
    assert len(mail.outbox) == 1


def test_a_delivery_that_keeps_failing_is_given_up_after_the_last_attempt(pending, monkeypatch, settings):
    from notifications.services import sending

    settings.REMINDER_MAX_ATTEMPTS = 2

    def down(*args, **kwargs):
        raise SMTPServerDisconnected("down")

    monkeypatch.setattr(sending, "transmit", down)
    target = pending[0]
    with pytest.raises(TransientSendError):
        delivery_send(delivery_id=target.pk)
    assert delivery_send(delivery_id=target.pk) == "failed"
    target.refresh_from_db()
    assert target.status == Delivery.Status.FAILED and target.attempts == 2


def test_a_broker_outage_is_logged_and_the_row_waits_for_the_sweep(pending, caplog):
    with celery_broker("redis://127.0.0.1:1/0"):  # nothing listens there
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="notifications.enqueue"):
            assert enqueue(tasks.deliver, pending[0].pk) is False
        assert time.monotonic() - started < 5  # fails fast: a page never hangs on Redis
    assert "sweep will pick the work up" in caplog.text
    assert Delivery.objects.get(pk=pending[0].pk).enqueued_at is None
    sweep()  # broker back (in-process here): the sweep sends what was never queued
    assert len(mail.outbox) == 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_delivery_mail_once(participants, event_in):
    event = event_in(timedelta(days=20))
    deliveries_claim(
        rows=claims_for_people(participants[:1], kind=Kind.EVENT_INVITATION, obj=event, due=invitation_due(event))
    )
    delivery = Delivery.objects.get()
    results: list[str] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        try:
            results.append(delivery_send(delivery_id=delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["not-mine", "not-mine", "not-mine", "sent"]
    assert len(mail.outbox) == 1


def test_a_database_error_before_sending_gives_the_row_back(pending, monkeypatch):
    from django.db import OperationalError

    from notifications import emails

    real = emails.load_subject

    def flaky(delivery):
        monkeypatch.setattr(emails, "load_subject", real)
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(emails, "load_subject", flaky)
    with pytest.raises(OperationalError):
        delivery_send(delivery_id=pending[0].pk)
    assert Delivery.objects.get(pk=pending[0].pk).status == Delivery.Status.PENDING
    assert delivery_send(delivery_id=pending[0].pk) == "sent"
    assert len(mail.outbox) == 1
