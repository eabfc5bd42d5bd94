"""The roster import's background side: a worker reads the upload into a preview, and applies it.

The upload request only checks the file quickly (size, type, column names) and stores it on a
RosterImport in "reading" state; `roster_preview_build` (task `reports.tasks.preview_roster`)
parses and plans it, reporting progress (common.progress), and leaves the import "previewed" or
"failed" with a message. Applying is queued the same way (`roster_apply_request`, task
`reports.tasks.apply_roster`). Both tasks are safe to run twice: a copy that finds the work done
does nothing.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from common.enqueue import enqueue_on_commit
from common.progress import Ticker, progress_clear, progress_set
from reports import emails
from reports.models import RosterImport
from reports.roster_file import RosterFileError, read_roster
from reports.services.roster import roster_apply, roster_plan, roster_preview_payload

logger = logging.getLogger(__name__)

PREVIEW_STEPS = (
    "Step 1 of 3: reading the file",
    "Step 2 of 3: comparing it with the app",
    "Step 3 of 3: saving the preview",
)
NOT_APPLICABLE = {
    RosterImport.Status.READING: "This file is still being read: apply it once its preview is ready.",
    RosterImport.Status.FAILED: "This file could not be read, so there is nothing to apply. Upload a corrected file.",
    RosterImport.Status.APPLIED: "This import is already applied.",
    RosterImport.Status.DISCARDED: "This import is already discarded.",
}
UNEXPECTED = (
    "Something went wrong on our side ({kind}), so nothing was changed. Try again; if it happens "
    "again, tell the administrator the time and the file name."
)


def mail_threshold() -> int:
    """Imports with more rows than this also e-mail the result to whoever applied them."""
    return int(getattr(settings, "ROSTER_ASYNC_ROWS", 5_000))


@transaction.atomic
def roster_upload_create(*, data: bytes, filename: str, by: Any) -> RosterImport:
    """Store a checked upload and queue its reading; the page then shows its progress."""
    roster_import = RosterImport.objects.create(
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        status=RosterImport.Status.READING,
        upload=data,
    )
    from reports import tasks

    enqueue_on_commit(tasks.preview_roster, roster_import.pk)
    return roster_import


def roster_preview_build(*, roster_import_id: int) -> None:
    """Read the stored upload, compare it with the app, store the preview. Writes no people.

    Runs outside a transaction so each progress report shows at once; the import's row is
    written once at the end, and only while it is still "reading" (a second copy of the task,
    or a discard meanwhile, leaves it alone).
    """
    roster_import = RosterImport.objects.filter(pk=roster_import_id, status=RosterImport.Status.READING).first()
    if roster_import is None or roster_import.upload is None:
        return
    key = roster_import.progress_key
    data = bytes(roster_import.upload)
    progress_set(key, step=PREVIEW_STEPS[0])
    reading = {"ticker": None}

    def on_rows(done: int, total: int) -> None:
        if reading["ticker"] is None:
            reading["ticker"] = Ticker(key, step=PREVIEW_STEPS[0], total=total)
        reading["ticker"].add(done - reading["ticker"].done)

    try:
        parsed = read_roster(data, roster_import.filename, on_rows=on_rows)
        plan = roster_plan(
            rows=parsed.rows, columns=parsed.columns, ticker=Ticker(key, step=PREVIEW_STEPS[1], total=len(parsed.rows))
        )
        progress_set(key, step=PREVIEW_STEPS[2], done=len(parsed.rows), total=len(parsed.rows))
        payload = roster_preview_payload(plan, parsed.notes)
    except RosterFileError as exc:
        _preview_failed(roster_import_id, str(exc))
        return
    except Exception as exc:
        logger.exception("Reading roster import %s failed.", roster_import_id)
        _preview_failed(roster_import_id, UNEXPECTED.format(kind=type(exc).__name__))
        return
    RosterImport.objects.filter(pk=roster_import_id, status=RosterImport.Status.READING).update(
        status=RosterImport.Status.PREVIEWED,
        encoding=parsed.encoding,
        columns=parsed.columns,
        rows=parsed.rows,
        preview=payload,
        upload=None,
        preview_error="",
    )
    progress_clear(key)


def _preview_failed(roster_import_id: int, message: str) -> None:
    RosterImport.objects.filter(pk=roster_import_id, status=RosterImport.Status.READING).update(
        status=RosterImport.Status.FAILED, preview_error=message[:1000], upload=None
    )
    progress_clear(f"roster:{roster_import_id}")


def roster_preview_gave_up(*, roster_import_id: int) -> None:
    """The task's last retry failed on the database: say so rather than read for ever."""
    _preview_failed(roster_import_id, UNEXPECTED.format(kind="database unavailable"))


@transaction.atomic
def roster_apply_request(*, roster_import: RosterImport, by: Any, valid_rows_only: bool) -> bool:
    """Queue applying an import for a worker. False if it is already queued."""
    locked = RosterImport.objects.select_for_update().defer("rows", "upload").get(pk=roster_import.pk)
    if locked.status != RosterImport.Status.PREVIEWED:
        raise ValidationError(NOT_APPLICABLE[locked.status])
    if locked.apply_requested_at:
        return False
    if locked.preview["counts"]["error"] and not valid_rows_only:
        raise ValidationError(
            f"{locked.preview['counts']['error']} row(s) have errors, so nothing was changed. Fix the file and upload it "
            "again, or choose to apply only the valid rows."
        )
    locked.apply_requested_at, locked.apply_error = timezone.now(), ""
    locked.save(update_fields=["apply_requested_at", "apply_error"])
    from reports import tasks

    user_id = by.pk if getattr(by, "is_authenticated", False) else None
    mail = locked.preview.get("total", 0) > mail_threshold()  # decided here, with the asker's settings
    enqueue_on_commit(tasks.apply_roster, locked.pk, user_id, valid_rows_only, mail)
    return True


def roster_apply_queued(
    *, roster_import_id: int, user_id: int | None, valid_rows_only: bool, mail: bool = True
) -> None:
    """The worker's side of roster_apply_request: apply, then say how it went (on the page; by
    e-mail too for a large file)."""
    from accounts.models import User

    roster_import = RosterImport.objects.defer("rows", "upload").get(pk=roster_import_id)
    # The task may arrive twice (the sweep queues what a hung Redis seemed to refuse): a copy
    # finding the request already settled, applied or refused, does nothing and mails nobody.
    if roster_import.status != RosterImport.Status.PREVIEWED or roster_import.apply_requested_at is None:
        return
    user = User.objects.filter(pk=user_id).first() if user_id else None
    mail = mail and user is not None
    try:
        result = roster_apply(roster_import=roster_import, by=user, valid_rows_only=valid_rows_only, progress=True)
    except ValidationError as exc:
        if RosterImport.objects.filter(pk=roster_import_id).exclude(status=RosterImport.Status.PREVIEWED).exists():
            return  # a concurrent copy applied it while this one waited for the row lock
        _apply_failed(roster_import, " ".join(exc.messages), user if mail else None)
        return
    except Exception as exc:
        # The apply is one transaction, so it rolled back whole: the import stays previewed,
        # with the reason on its page, and can be applied again.
        logger.exception("Applying roster import %s failed.", roster_import_id)
        _apply_failed(roster_import, UNEXPECTED.format(kind=type(exc).__name__), user if mail else None)
        return
    progress_clear(roster_import.progress_key)
    if mail:
        emails.roster_applied(roster_import=roster_import, to=user.email, result=result, error="")


def roster_apply_gave_up(*, roster_import_id: int) -> None:
    """The task's last retry failed on the database: free the import so it can be applied again."""
    roster_import = RosterImport.objects.defer("rows", "upload").get(pk=roster_import_id)
    if roster_import.status == RosterImport.Status.PREVIEWED:
        _apply_failed(roster_import, UNEXPECTED.format(kind="database unavailable"), None)


def _apply_failed(roster_import: RosterImport, message: str, user: Any) -> None:
    RosterImport.objects.filter(pk=roster_import.pk).update(apply_requested_at=None, apply_error=message[:500])
    progress_clear(roster_import.progress_key)
    if user is not None:
        emails.roster_applied(roster_import=roster_import, to=user.email, result=None, error=message)
