"""Background work of the reports app: roster previews and imports, large exports."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from reports.services import exports, roster_jobs

RETRIES = 3


def _last_try(task) -> bool:  # noqa: ANN001
    return task.request.retries >= task.max_retries


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=RETRIES)
def build_export_file(self, export_file_id: int) -> None:  # noqa: ANN001
    try:
        exports.export_file_build(export_file_id=export_file_id)
    except OperationalError:
        if _last_try(self):
            exports.export_file_gave_up(export_file_id=export_file_id)
        raise


@shared_task
def purge_export_files() -> int:
    """Delete mailed exports past their download window (schedule: mentorship/celery.py)."""
    return exports.export_files_purge()


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=RETRIES)
def preview_roster(self, roster_import_id: int) -> None:  # noqa: ANN001
    # Safe to retry: the preview is written once, only while the import is still being read.
    try:
        roster_jobs.roster_preview_build(roster_import_id=roster_import_id)
    except OperationalError:
        if _last_try(self):
            roster_jobs.roster_preview_gave_up(roster_import_id=roster_import_id)
        raise


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=RETRIES)
def apply_roster(self, roster_import_id: int, user_id: int | None, valid_rows_only: bool, mail: bool = True) -> None:  # noqa: ANN001
    # Safe to retry: applying is one transaction, and an applied import refuses a second apply.
    # `mail` defaults to True for messages queued before it existed (they always mailed).
    try:
        roster_jobs.roster_apply_queued(
            roster_import_id=roster_import_id, user_id=user_id, valid_rows_only=valid_rows_only, mail=mail
        )
    except OperationalError:
        if _last_try(self):
            roster_jobs.roster_apply_gave_up(roster_import_id=roster_import_id)
        raise
