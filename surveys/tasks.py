"""Celery tasks of the surveys app: ids in, a service does the work."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from surveys.services import sending


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError, SMTPException, OSError), retry_backoff=True, max_retries=5
)
def send_survey_invitations(self, survey_id: int) -> int:
    """Mail every invitation of the survey not mailed yet. A retry resumes where it failed."""
    sent = 0
    for invitation_id in sending.unsent_invitation_ids(survey_id=survey_id):
        sent += sending.invitation_send(invitation_id=invitation_id)
    return sent


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError, SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_survey_invitation(self, invitation_id: int) -> bool:
    return sending.invitation_send(invitation_id=invitation_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def release_pools() -> int:
    """Hourly: anonymous answers still waiting in the pool of a closed survey are released."""
    from surveys.services.pool import pools_release_due

    return pools_release_due()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def purge_drafts() -> int:
    """Daily: drafts of closed surveys can never be submitted, so they are deleted."""
    from surveys.services.answering import drafts_purge

    return drafts_purge()
