"""Exports: every one is audited once its file exists; large XLSX files are built by a worker and
e-mailed as a link."""

from __future__ import annotations

import logging
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from common.progress import Ticker, progress_clear, progress_set
from reports import emails
from reports.exports import REPORTS, ReportExport
from reports.models import ExportFile
from reports.selectors.scope import ReportFilters, programs_in_scope

logger = logging.getLogger(__name__)

STEPS = ("Step 1 of 2: gathering the figures", "Step 2 of 2: writing the file")
FAILED = (
    "The file could not be built ({kind}). Nothing was sent. Ask for the export again; if it fails "
    "again, tell the administrator."
)


def async_threshold() -> int:
    """Above this many rows an XLSX is built by a worker (CSV always streams, whatever its size)."""
    return int(getattr(settings, "REPORTS_ASYNC_EXPORT_ROWS", 20_000))


def keep_days() -> int:
    """How long a mailed export can be downloaded; the purge task deletes it after that."""
    return int(getattr(settings, "REPORTS_EXPORT_KEEP_DAYS", 7))


def export_files_purge() -> int:
    """Delete exports older than keep_days(), files and rows. Safe to run at any time, twice."""
    cutoff = timezone.now() - timedelta(days=keep_days())
    old = list(ExportFile.objects.filter(created_at__lt=cutoff))
    for export_file in old:
        folder = Path(settings.MEDIA_ROOT) / "exports" / export_file.token
        shutil.rmtree(folder, ignore_errors=True)
    ExportFile.objects.filter(pk__in=[e.pk for e in old]).delete()
    return len(old)


def export_build(*, report: str, user: Any, filters: ReportFilters, options: dict[str, Any], today: date) -> ReportExport:
    spec = REPORTS[report]
    return spec.export(filters=filters, programs=programs_in_scope(user), today=today, options=options)


def _json_options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in options.items()}


@transaction.atomic
def export_record(*, user: Any, report: str, file_format: str, filters: ReportFilters, options: dict[str, Any], delivery: str) -> None:
    """Write the audit entry for one export: who, when (the entry's time), which report, which filters."""
    spec = REPORTS[report]
    described = ", ".join(f"{k}={v}" for k, v in {**filters.as_json(), **_json_options(options)}.items()) or "no filters"
    audit_record(
        actor=user,
        action="report.export",
        summary=f"{spec.title} as {file_format.upper()} ({described})",
        data={
            "report": report,
            "format": file_format,
            "filters": filters.as_json(),
            "options": _json_options(options),
            "delivery": delivery,
        },
    )


@transaction.atomic
def export_file_request(
    *, user: Any, report: str, file_format: str, filters: ReportFilters, options: dict[str, Any], query: str = ""
) -> ExportFile:
    """Queue a large export for a worker. Its page (reports:export-status) shows the progress
    and then the download link; the worker also e-mails the requester a login-protected link.
    `query` is the report page's query string, so the page can link back to the same view."""
    export_file = ExportFile.objects.create(
        requested_by=user,
        report=report,
        file_format=file_format,
        filters={"filters": filters.as_json(), "options": _json_options(options), "query": query[:2000]},
    )
    from common.enqueue import enqueue_on_commit
    from reports import tasks

    enqueue_on_commit(tasks.build_export_file, export_file.pk)
    return export_file


def _filters_from_json(data: dict[str, Any]) -> ReportFilters:
    values = dict(data)
    for key in ("date_from", "date_to"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    return ReportFilters(**values)


def export_file_build(*, export_file_id: int) -> ExportFile:
    """Write the file under MEDIA_ROOT/exports/<token>/, then mail the link. Safe to retry."""
    export_file = ExportFile.objects.select_related("requested_by").get(pk=export_file_id)
    if export_file.status == ExportFile.Status.READY:
        return export_file
    user: User = export_file.requested_by
    options = {k: (date.fromisoformat(v) if k == "horizon" else v) for k, v in export_file.filters.get("options", {}).items()}
    export = export_build(
        report=export_file.report,
        user=user,
        filters=_filters_from_json(export_file.filters.get("filters", {})),
        options=options,
        today=export_file.created_at.date(),
    )
    filename = export.filename(export_file.file_format)
    relative = Path("exports") / export_file.token / filename
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    progress_set(export_file.progress_key, step=STEPS[0])
    total = export.estimated_rows()
    counted = _CountingExport(export, Ticker(export_file.progress_key, step=STEPS[1], total=total))
    try:
        with open(target, "wb") as handle:
            counted.write(export_file.file_format, handle)
    except OperationalError:
        raise  # the task retries (and, the last time, export_file_gave_up says so)
    except Exception as exc:
        logger.exception("Export file %s failed.", export_file.pk)
        export_file.status = ExportFile.Status.FAILED
        export_file.error = FAILED.format(kind=type(exc).__name__)
        export_file.save(update_fields=["status", "error"])
        progress_clear(export_file.progress_key)
        target.unlink(missing_ok=True)
        return export_file
    export_file.path, export_file.filename, export_file.row_count = str(relative), filename, counted.count
    export_file.status, export_file.finished_at = ExportFile.Status.READY, timezone.now()
    # The audit entry is written with the file's success, not when it was asked for.
    with transaction.atomic():
        export_file.save(update_fields=["path", "filename", "row_count", "status", "finished_at"])
        export_record(
            user=user,
            report=export_file.report,
            file_format=export_file.file_format,
            filters=_filters_from_json(export_file.filters.get("filters", {})),
            options=options,
            delivery="email",
        )
    progress_clear(export_file.progress_key)
    emails.export_ready(export_file=export_file, keep_days=keep_days())
    return export_file


def export_file_gave_up(*, export_file_id: int) -> None:
    """The task's last retry failed on the database: the page says so instead of waiting."""
    ExportFile.objects.filter(pk=export_file_id, status=ExportFile.Status.PENDING).update(
        status=ExportFile.Status.FAILED, error=FAILED.format(kind="database unavailable")
    )


class _CountingExport:
    """Wraps an export to count the rows it writes, without holding them, and report progress."""

    def __init__(self, export: ReportExport, ticker: Ticker) -> None:
        self.export, self.count = export, 0
        original = export.rows

        def counting_rows(**kwargs: Any) -> Any:
            for row in original(**kwargs):
                self.count += 1
                ticker.add()
                yield row
            ticker.finish()

        export.rows = counting_rows  # type: ignore[method-assign]

    def write(self, file_format: str, handle: Any) -> None:
        self.export.write(file_format, handle)
