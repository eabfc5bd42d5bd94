"""Sending one delivery: claim it, check it is still due, mail it, mark it sent.

    pending --(UPDATE ... WHERE status='pending')--> sending --> sent | skipped | failed
                                     ^                    |
                                     +-- stale after REMINDER_CLAIM_TIMEOUT_SECONDS

The conditional UPDATE is the lock: of two workers holding the same id, PostgreSQL lets one
change the row and the other sees zero rows and stops. A worker killed after taking the row
leaves it `sending`; once the claim is stale the sweep (or Redis redelivering the unacked task)
hands it out again. The one window no database can close is between the SMTP server accepting
the message and the row being marked sent: a crash exactly there sends the message again. The
Message-ID is the same both times (delivery-<id>@host), so mail systems that de-duplicate will.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from notifications.models import Delivery

logger = logging.getLogger("notifications.sending")


class TransientSendError(Exception):
    """Raised to make the task retry later (the row is released back to pending)."""


def _take(*, delivery_id: int, now: datetime) -> bool:
    stale_before = now - timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS)
    taken = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale_before))
        .update(status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    return taken == 1


def _finish(*, delivery: Delivery, status: str, error: str = "") -> None:
    # Only the holder of this claim (same claimed_at) may close it.
    fields: dict[str, object] = {"status": status, "last_error": error[:500]}
    if status == Delivery.Status.SENT:
        fields["sent_at"] = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING, claimed_at=delivery.claimed_at).update(
        **fields
    )


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> str:
    """Send one delivery if this caller wins it. Returns what happened, for logs and tests."""
    from notifications.emails import load_subject, render_and_send, still_due

    now = now or timezone.now()
    if not _take(delivery_id=delivery_id, now=now):
        return "not-mine"
    delivery = Delivery.objects.select_related("person", "user").get(pk=delivery_id)
    try:
        obj = load_subject(delivery)
        reason = still_due(delivery, obj, now=now)
    except Exception:
        # Nothing was sent: give the row back so the retry (or the next sweep) can take it.
        _finish(delivery=delivery, status=Delivery.Status.PENDING, error="error before sending")
        raise
    if reason:
        _finish(delivery=delivery, status=Delivery.Status.SKIPPED, error=reason)
        return "skipped"

    if settings.REMINDER_SEND_PAUSE_SECONDS:
        time.sleep(settings.REMINDER_SEND_PAUSE_SECONDS)
    try:
        render_and_send(delivery, obj, now=now)
    except (OSError, TimeoutError, SoftTimeLimitExceeded) as exc:
        # SMTPException is an OSError: connection lost, refused, timed out. A send cut off by the
        # time limit may or may not have reached the relay: retried (the documented boundary).
        if delivery.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            _finish(delivery=delivery, status=Delivery.Status.FAILED, error=repr(exc))
            logger.error("Gave up on delivery %s after %s attempts: %r", delivery.pk, delivery.attempts, exc)
            return "failed"
        _finish(delivery=delivery, status=Delivery.Status.PENDING, error=repr(exc))
        raise TransientSendError(repr(exc)) from exc
    except Exception as exc:
        # A bug or missing data: retrying will not help. Keep the reason on the row.
        _finish(delivery=delivery, status=Delivery.Status.FAILED, error=repr(exc))
        logger.exception("Delivery %s failed", delivery.pk)
        return "failed"
    _finish(delivery=delivery, status=Delivery.Status.SENT)
    return "sent"
