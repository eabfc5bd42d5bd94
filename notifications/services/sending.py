"""Sending one delivery: the only module that calls Django's mail API (tests/test_one_mail_path.py).

    pending --take--> sending --hand--> (SMTP) --mark--> sent
       ^                 |   \\--> skipped (no longer due) | failed (refused for good, or out of tries)
       +-- release ------+-- stale after REMINDER_CLAIM_TIMEOUT_SECONDS: taken again

Take is a conditional UPDATE: of two workers holding the same id PostgreSQL lets one change the
row; the other sees zero rows and stops. The taker writes its claim token (the Celery task id,
which survives the task's retries) and the Message-ID, so that:

- a retry of the same task whose earlier attempt lost its connection before SMTP (`handed_at`
  still empty, so nothing can have gone out) takes the row back at once, not after the timeout;
- "hand" stamps `handed_at` just before the SMTP call: only a row with it set may have been
  mailed, and a re-send of such a row carries the same Message-ID;
- "mark" after the relay accepted the message reconnects and retries for up to
  REMINDER_MARK_RETRY_SECONDS (a dropped connection, a PostgreSQL restart). If it still cannot
  reach the database the worker keeps the mark in memory and writes it before its next send.

So a stale claim is sent again only when the mark is truly missing: the worker died (or the
database stayed away longer than the claim timeout) between the relay's acceptance and the mark.
That re-send has the same Message-ID. See docs/operations.md, "Sent once".
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from notifications.models import Delivery, Kind

logger = logging.getLogger("notifications.sending")

DB_LOST = (OperationalError, InterfaceError)

# Marks this process could not write yet: delivery id -> (when the relay accepted it, the
# survey invitation it was about, if any).
_unmarked: dict[int, tuple[datetime, int | None]] = {}


class TransientSendError(Exception):
    """Raised to make the task retry later (the row is released back to pending)."""


def is_permanent(exc: BaseException) -> bool:
    """A refusal that retrying will not change: a 5xx reply about this message or address, or an
    address Python cannot even put in a header. Authentication and TLS problems are the
    operator's to fix and the mail should go once they are, so they count as transient."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return isinstance(exc, (ValueError, UnicodeError))


def transmit(message: EmailMessage) -> None:
    """Hand one message to the configured backend (SMTP in production). Raises on refusal."""
    message.connection = get_connection(fail_silently=False)
    message.send(fail_silently=False)


def _with_reconnect(operation, *, budget: float, what: str):
    """Run a database operation, reconnecting and retrying with backoff for `budget` seconds."""
    deadline = time.monotonic() + budget
    pause = 0.05
    while True:
        try:
            return operation()
        except DB_LOST as exc:
            # The broken connection must go before a query can open a fresh one. Inside an outer
            # transaction (in-process tests) nothing is safe but to let it raise.
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            logger.warning("Database connection lost while %s (%s); reconnecting", what, exc)
            connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _take(*, delivery_id: int, now: datetime, claim_token: str) -> bool:
    from notifications.emails import message_id_for

    stale_before = now - timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS)
    mine = Q(status=Delivery.Status.SENDING, claim_token=claim_token, handed_at__isnull=True) if claim_token else Q()
    takeable = Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale_before)
    taken = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(takeable | mine if claim_token else takeable)
        .update(
            status=Delivery.Status.SENDING,
            claimed_at=now,
            claim_token=claim_token,
            attempts=F("attempts") + 1,
            message_id=Case(When(message_id="", then=Value(message_id_for(delivery_id))), default=F("message_id")),
        )
    )
    return taken == 1


def _finish(*, delivery: Delivery, status: str, error: str = "", program_id: int | None = None) -> None:
    # Only the holder of this claim (same claimed_at) may close it.
    fields: dict[str, object] = {"status": status, "last_error": error[:500]}
    if status == Delivery.Status.PENDING:
        fields["handed_at"] = None
    else:
        fields["payload"] = ""  # a finished row forgets the message (it may hold a sign-in link)
    if program_id is not None:
        fields["program_id"] = program_id
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING, claimed_at=delivery.claimed_at).update(
        **fields
    )


def _write_mark(delivery_id: int, sent_at: datetime, invitation_id: int | None) -> None:
    with transaction.atomic():
        # Whoever holds the claim now, the message went out: record it, so no one sends it again.
        Delivery.objects.filter(pk=delivery_id).exclude(status=Delivery.Status.SENT).update(
            status=Delivery.Status.SENT, sent_at=sent_at, payload="", last_error=""
        )
        if invitation_id is not None:
            from surveys.models import Invitation

            # Survey reminders count their interval from the day the invitation was mailed.
            Invitation.objects.filter(pk=invitation_id, sent_at__isnull=True).update(sent_at=sent_at)


def _mark_sent(delivery_id: int, sent_at: datetime, invitation_id: int | None = None) -> bool:
    """Record that the relay accepted the message, through lost connections. False if the
    database stayed unreachable; the mark is then kept for this process's next send."""
    try:
        _with_reconnect(
            lambda: _write_mark(delivery_id, sent_at, invitation_id),
            budget=settings.REMINDER_MARK_RETRY_SECONDS,
            what=f"marking delivery {delivery_id} sent",
        )
    except (*DB_LOST, SoftTimeLimitExceeded) as exc:
        _unmarked[delivery_id] = (sent_at, invitation_id)
        logger.error("Delivery %s was accepted by the relay but could not be marked sent (%r)", delivery_id, exc)
        return False
    _unmarked.pop(delivery_id, None)
    return True


def flush_unmarked() -> int:
    """Write the marks an earlier send of this process could not (the database is back)."""
    written = 0
    for delivery_id, (sent_at, invitation_id) in list(_unmarked.items()):
        if _mark_sent(delivery_id, sent_at, invitation_id):
            written += 1
    return written


def _program_of(delivery: Delivery, obj: object) -> int | None:
    """The program whose coordinators should see this delivery if it fails for good."""
    if delivery.program_id:
        return delivery.program_id
    for path in ("program_id", "cycle.program_id", "event.program_id", "mentorship.cycle.program_id",
                 "survey.cycle.program_id"):
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
        if value:
            return value
    return None


def _prepare(delivery: Delivery) -> tuple[EmailMessage | None, str, object]:
    """(message, reason not to send, subject object). Reads the database only."""
    from notifications.emails import composed, load_subject, render, still_due

    now = timezone.now()
    obj = load_subject(delivery) if delivery.content_type_id else None
    if delivery.is_composed:
        if delivery.content_type_id and obj is None:
            return None, "object deleted (replaced by a newer one)", obj
        if not delivery.payload:
            return None, "message lost (finished elsewhere)", obj
        return composed(delivery), "", obj
    reason = still_due(delivery, obj, now=now)
    if reason:
        return None, reason, obj
    return render(delivery, obj), "", obj


def delivery_send(*, delivery_id: int, now: datetime | None = None, claim_token: str = "") -> str:
    """Send one delivery if this caller wins it. Returns what happened, for logs and tests."""
    if _unmarked:
        flush_unmarked()
    now = now or timezone.now()
    if not _take(delivery_id=delivery_id, now=now, claim_token=claim_token):
        return "not-mine"
    delivery = Delivery.objects.select_related("person", "user").get(pk=delivery_id)
    if delivery.handed_at is not None:
        # A stale claim whose message may have reached the relay: the mark is missing, so send
        # again, with the same Message-ID, and say so.
        logger.warning("Re-sending delivery %s (Message-ID %s): its mark is missing", delivery.pk, delivery.message_id)
    try:
        message, reason, obj = _prepare(delivery)
    except Exception:
        # Nothing was sent: give the row back so the retry (or the next sweep) can take it. With
        # the connection gone that fails too; the retry of this task then takes the row back
        # through its claim token (handed_at is still empty).
        try:
            _finish(delivery=delivery, status=Delivery.Status.PENDING, error="error before sending")
        except DB_LOST:
            pass
        raise
    if reason:
        _finish(delivery=delivery, status=Delivery.Status.SKIPPED, error=reason)
        return "skipped"
    Delivery.objects.filter(pk=delivery.pk, claimed_at=delivery.claimed_at).update(handed_at=timezone.now())

    if settings.REMINDER_SEND_PAUSE_SECONDS:
        time.sleep(settings.REMINDER_SEND_PAUSE_SECONDS)
    try:
        transmit(message)
    except Exception as exc:  # noqa: BLE001 - every refusal is classified and recorded on the row
        return _failed(delivery, obj, exc)
    invitation_id = delivery.object_id if delivery.kind == Kind.SURVEY_INVITATION else None
    _mark_sent(delivery.pk, timezone.now(), invitation_id)
    return "sent"


def _failed(delivery: Delivery, obj: object, exc: BaseException) -> str:
    """Nothing was accepted: retry later, or record a refusal for the coordinators' page."""
    program_id = _program_of(delivery, obj)
    if is_permanent(exc):
        _finish(delivery=delivery, status=Delivery.Status.FAILED, error=f"refused: {exc!r}", program_id=program_id)
        logger.warning("Delivery %s refused for good: %r", delivery.pk, exc)
        return "failed"
    if isinstance(exc, (OSError, TimeoutError, SoftTimeLimitExceeded)):
        # SMTPException is an OSError: connection lost, refused, timed out, a 4xx reply. A send
        # cut off by the time limit may or may not have reached the relay: retried (same Message-ID).
        if delivery.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            _finish(delivery=delivery, status=Delivery.Status.FAILED, error=repr(exc), program_id=program_id)
            logger.error("Gave up on delivery %s after %s attempts: %r", delivery.pk, delivery.attempts, exc)
            return "failed"
        _finish(delivery=delivery, status=Delivery.Status.PENDING, error=repr(exc))
        raise TransientSendError(repr(exc)) from exc
    # A bug or missing data: retrying will not help. Keep the reason on the row.
    _finish(delivery=delivery, status=Delivery.Status.FAILED, error=repr(exc), program_id=program_id)
    logger.error("Delivery %s failed", delivery.pk, exc_info=exc)
    return "failed"
