"""Background work of the matching app."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def execute_run(self, run_id: int) -> None:
    """Run the engine for one queued MatchRun (ids in, fresh state; run_execute is safe to repeat)."""
    from matching.services.runs import run_execute

    run_execute(run_id=run_id)


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def publish_run(self, run_id: int, user_id: int) -> None:
    """Publish a run whose publishing a coordinator asked for (all pairs in one transaction)."""
    from matching.services.runs import run_publish_execute

    run_publish_execute(run_id=run_id, user_id=user_id)
