"""Background work of the reports app: large exports."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from reports.services import exports, roster


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def build_export_file(self, export_file_id: int) -> None:  # noqa: ANN001
    exports.export_file_build(export_file_id=export_file_id)


@shared_task
def purge_export_files() -> int:
    """Delete mailed exports past their download window (schedule: mentorship/celery.py)."""
    return exports.export_files_purge()


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def apply_roster(self, roster_import_id: int, user_id: int | None, valid_rows_only: bool) -> None:  # noqa: ANN001
    # Safe to retry: applying is one transaction, and an applied import refuses a second apply.
    roster.roster_apply_queued(roster_import_id=roster_import_id, user_id=user_id, valid_rows_only=valid_rows_only)
