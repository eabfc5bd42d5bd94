"""The sending step: refusals for good, retries, a mark that survives a lost connection, claims
a retried task takes back, composed mails kept sealed, and the coordinators' undelivered page."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import psycopg2
import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from accounts.services import invitation_send
from notifications.models import Delivery, Kind
from notifications.services import sending
from notifications.services.claims import claims_for_people, deliveries_claim
from notifications.services.sending import TransientSendError, delivery_send
from notifications.services.sweep import invitation_due
from profiles.tests.factories import CoordinatorFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(participants, event_in):
    event = event_in(timedelta(days=20))
    deliveries_claim(
        rows=claims_for_people(participants, kind=Kind.EVENT_INVITATION, obj=event, due=invitation_due(event))
    )
    return list(Delivery.objects.order_by("pk"))


def _refuse(exc):
    def transmit(message):
        raise exc

    return transmit


def test_a_mailbox_refused_for_good_is_failed_at_once_and_shown_to_that_programs_coordinators(
    pending, monkeypatch, client, cycle
):
    target = pending[0]
    refusal = smtplib.SMTPRecipientsRefused({target.email: (550, b"5.1.1 No such user")})
    monkeypatch.setattr(sending, "transmit", _refuse(refusal))
    assert delivery_send(delivery_id=target.pk) == "failed"
    target.refresh_from_db()
    assert target.status == Delivery.Status.FAILED and target.attempts == 1  # no retry
    assert target.program_id == cycle.program_id and "No such user" in target.last_error

    ours, theirs = CoordinatorFactory(), CoordinatorFactory()
    cycle.program.coordinators.add(ours)
    client.force_login(ours)
    page = client.get(reverse("notifications:failed"))
    assert page.status_code == 200 and target.email in page.content.decode()
    assert "No such user" in page.content.decode()
    client.force_login(theirs)  # another program's coordinator sees nothing of it
    page = client.get(reverse("notifications:failed"))
    assert page.status_code == 200 and target.email not in page.content.decode()
    client.force_login(PersonFactory().user)
    assert client.get(reverse("notifications:failed")).status_code == 403


@pytest.mark.parametrize(
    "exc",
    [
        smtplib.SMTPDataError(451, b"4.3.0 try again later"),
        smtplib.SMTPRecipientsRefused({"x@example.gov": (452, b"mailbox full for now")}),
        smtplib.SMTPAuthenticationError(535, b"bad credentials"),  # the operator's to fix, then it goes
        smtplib.SMTPServerDisconnected("relay went away"),
    ],
)
def test_a_transient_refusal_gives_the_row_back_for_a_retry_with_backoff(pending, monkeypatch, exc):
    target = pending[0]
    monkeypatch.setattr(sending, "transmit", _refuse(exc))
    with pytest.raises(TransientSendError):
        delivery_send(delivery_id=target.pk)
    target.refresh_from_db()
    assert target.status == Delivery.Status.PENDING and target.handed_at is None
    from notifications import tasks

    assert tasks.deliver.retry_backoff == django_settings.REMINDER_RETRY_BACKOFF_SECONDS
    assert TransientSendError in tasks.deliver.autoretry_for


def test_a_malformed_address_is_a_permanent_failure(pending, monkeypatch):
    monkeypatch.setattr(sending, "transmit", _refuse(ValueError("Invalid address")))
    assert delivery_send(delivery_id=pending[0].pk) == "failed"


def test_a_retried_task_takes_back_its_own_claim_only_if_nothing_reached_the_relay(pending):
    first, second = pending[0], pending[1]
    now = timezone.now()
    # The task's take committed but its connection died before it could hand the message over.
    Delivery.objects.filter(pk=first.pk).update(status=Delivery.Status.SENDING, claimed_at=now, claim_token="task-1")
    assert delivery_send(delivery_id=first.pk, claim_token="someone-else") == "not-mine"
    assert delivery_send(delivery_id=first.pk, claim_token="task-1") == "sent"
    # This one was handed to the relay: the same task must not send it again.
    Delivery.objects.filter(pk=second.pk).update(
        status=Delivery.Status.SENDING, claimed_at=now, claim_token="task-2", handed_at=now
    )
    assert delivery_send(delivery_id=second.pk, claim_token="task-2") == "not-mine"
    assert [m.to[0] for m in mail.outbox] == [first.email]


def test_a_mark_the_database_refuses_is_kept_and_written_before_the_next_send(pending, monkeypatch, settings):
    settings.REMINDER_MARK_RETRY_SECONDS = 0
    real = sending._write_mark

    def down(*args):
        raise OperationalError("the database is away")

    monkeypatch.setattr(sending, "_write_mark", down)
    assert delivery_send(delivery_id=pending[0].pk) == "sent"
    assert Delivery.objects.get(pk=pending[0].pk).status == Delivery.Status.SENDING
    assert pending[0].pk in sending._unmarked
    monkeypatch.setattr(sending, "_write_mark", real)
    assert delivery_send(delivery_id=pending[1].pk) == "sent"
    assert Delivery.objects.get(pk=pending[0].pk).status == Delivery.Status.SENT
    assert not sending._unmarked
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_marking_sent_survives_the_connection_being_dropped_while_the_relay_accepts(pending, monkeypatch):
    """The reported failure, in one process: the relay accepts, PostgreSQL drops the session,
    and the mark must still land (reconnect and retry), so no stale claim is ever re-sent."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend needs PostgreSQL")
    real = sending.transmit
    db = django_settings.DATABASES["default"]

    def accepted_then_dropped(message):
        real(message)
        pid = connection.connection.get_backend_pid()
        other = psycopg2.connect(
            dbname=db["NAME"], user=db.get("USER") or "postgres", password=db.get("PASSWORD") or None,
            host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432,
        )
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        other.close()

    monkeypatch.setattr(sending, "transmit", accepted_then_dropped)
    target = pending[0]
    assert delivery_send(delivery_id=target.pk) == "sent"
    target.refresh_from_db()
    assert target.status == Delivery.Status.SENT and not sending._unmarked
    # Even with the claim long stale, a marked row is never taken again.
    monkeypatch.setattr(sending, "transmit", real)
    assert delivery_send(delivery_id=target.pk, now=timezone.now() + timedelta(days=1)) == "not-mine"
    assert len(mail.outbox) == 1


def test_an_account_invitation_is_stored_sealed_and_forgotten_once_sent(django_capture_on_commit_callbacks):
    person = PersonFactory(user=None)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        invitation_send(email=person.email, invited_by=None)
    (row,) = Delivery.objects.filter(kind=Kind.ACCOUNT_INVITATION)
    assert row.payload and "/account/invitation/" not in row.payload  # the token is not readable
    assert not mail.outbox
    for callback in queued:
        callback()
    (message,) = mail.outbox
    assert "/account/invitation/" in message.body and message.extra_headers["Message-ID"]
    row.refresh_from_db()
    assert row.status == Delivery.Status.SENT and row.payload == ""


def test_an_smtp_outage_after_an_invitation_is_no_error_page(client, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1  # nothing listens
    coordinator = CoordinatorFactory()
    newcomer = PersonFactory(user=None)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("profiles:invite"), {"person": [newcomer.pk]})
    assert response.status_code == 302
    row = Delivery.objects.get(kind=Kind.ACCOUNT_INVITATION)
    assert row.status == Delivery.Status.PENDING and "Connection refused" in row.last_error  # the sweep retries


def test_asking_for_an_unknown_kind_or_a_composed_kind_without_its_message_is_refused():
    from common.mail import Mail, mail_queue

    with pytest.raises(ValueError, match="Unknown kind"):
        mail_queue(Mail(kind="account_invitaton", to="a@example.gov"))
    with pytest.raises(ValueError, match="composed"):
        mail_queue(Mail(kind=Kind.EXPORT_READY, to="a@example.gov"))
    assert not Delivery.objects.exists()
