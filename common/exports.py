"""Tabular exports: one class per report yields rows; CSV and XLSX are written from them.

Every text cell that a spreadsheet could read as a formula (it begins with = + - @, a tab or a
carriage return) is prefixed with an apostrophe, so an exported free-text answer can never run
as a formula when HR opens the file (CWE-1236).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, ClassVar

from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """Make a cell safe to open in a spreadsheet; numbers and dates are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class Export:
    """Subclass with `title`, `columns` and `rows(**filters)`; the base writes the formats."""

    title: ClassVar[str] = "export"
    columns: ClassVar[Sequence[str]] = ()

    def rows(self, **filters: Any) -> Iterable[Sequence[Any]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def filename(self, extension: str) -> str:
        stamp = timezone.localdate().isoformat()
        return f"{self.title.lower().replace(' ', '-')}-{stamp}.{extension}"

    # --- CSV: streamed, so memory does not grow with the number of rows ---------------------
    def iter_csv(self, **filters: Any) -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def flush() -> str:
            data = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
            return data

        yield "\ufeff"  # BOM so Excel reads UTF-8 names correctly
        writer.writerow([neutralise(c) for c in self.columns])
        yield flush()
        for row in self.rows(**filters):
            writer.writerow([_csv_cell(neutralise(cell)) for cell in row])
            if buffer.tell() > 64 * 1024:
                yield flush()
        yield flush()

    def csv_response(self, **filters: Any) -> StreamingHttpResponse:
        response = StreamingHttpResponse(self.iter_csv(**filters), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename("csv")}"'
        return response

    # --- XLSX: openpyxl's write-only mode keeps memory flat ----------------------------------
    def write_xlsx(self, stream: Any, **filters: Any) -> None:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=self.title[:31])
        sheet.append([neutralise(c) for c in self.columns])
        for row in self.rows(**filters):
            sheet.append([_xlsx_cell(neutralise(cell)) for cell in row])
        workbook.save(stream)

    def xlsx_bytes(self, **filters: Any) -> bytes:
        stream = io.BytesIO()
        self.write_xlsx(stream, **filters)
        return stream.getvalue()

    def xlsx_response(self, **filters: Any) -> StreamingHttpResponse:
        import tempfile

        # Written to a temporary file rather than memory, then streamed in chunks.
        handle = tempfile.TemporaryFile()
        self.write_xlsx(handle, **filters)
        handle.seek(0)
        response = StreamingHttpResponse(_chunks(handle), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.filename("xlsx")}"'
        return response


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    return value


def _chunks(handle: Any, size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := handle.read(size):
            yield chunk
    finally:
        handle.close()
