"""Celery tasks: ids in, fresh state loaded by a service, retries with backoff on transient errors.

Every task here is safe to run twice: the Delivery row decides who mails.
"""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from notifications import services
from notifications.services.sending import TransientSendError

TRANSIENT = (OperationalError, InterfaceError, SMTPException, ConnectionError, TimeoutError, TransientSendError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=settings.REMINDER_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=settings.REMINDER_MAX_ATTEMPTS,
    # Must stay below REMINDER_CLAIM_TIMEOUT_SECONDS: a send still running is never handed out again.
    soft_time_limit=settings.REMINDER_SEND_TIME_LIMIT,
    time_limit=settings.REMINDER_SEND_TIME_LIMIT + 10,
)
def deliver(self, delivery_id: int) -> str:
    # The task id stays the same across this task's retries: it names the claim (sending.py).
    return services.delivery_send(delivery_id=delivery_id, claim_token=self.request.id or "")


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3
)
def sweep(self) -> str:
    return str(services.sweep())


@shared_task(acks_late=True)
def purge() -> int:
    from notifications.services.claims import deliveries_purge

    return deliveries_purge()


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def notify(self, notice: str, object_id: int) -> int:
    """Run one of the notices of services.notices for an object id (used when a receiver could
    not claim in the request, e.g. the database was briefly unreachable)."""
    from notifications.services import notices

    return getattr(notices, f"{notice}_notify")(**{NOTICE_ARGS[notice]: object_id})


NOTICE_ARGS = {
    "event_scheduled": "event_id",
    "event_changed": "event_id",
    "event_cancelled": "event_id",
    "enrollment_decided": "enrollment_id",
    "mentorship_created": "mentorship_id",
    "rsvp_promoted": "rsvp_id",
    "help_requested": "help_request_id",
    "flash_requested": "conversation_id",
    "flash_answered": "conversation_id",
    "circle_joined": "member_id",
}
