"""Background work of the matching app."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def execute_run(self, run_id: int) -> None:
    """Run the engine for one queued MatchRun (ids in, fresh state; run_execute is safe to repeat)."""
    from matching.services.runs import run_execute

    run_execute(run_id=run_id)
