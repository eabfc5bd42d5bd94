"""Tabular exports: one class per report yields rows; CSV and XLSX are written from them.

Every text cell goes through `neutralise`: first the characters no file can hold are removed
(common.text: a vertical tab in a free-text answer once made the XLSX writer refuse a whole
survey's file), then a cell that a spreadsheet could read as a formula (it begins with = + - @, their
full-width forms, a tab, a carriage return or a line feed) is prefixed with an apostrophe, so
an exported answer can never run as a formula when HR opens the file (CWE-1236).

A download is built completely before anything is sent, and its audit entry is written, in one
transaction, only once the file exists (`response`): a failed export leaves no entry saying it
happened, and an export that happened always has one.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, ClassVar

from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone

from common.text import clean_text

# Full-width = + - @ too: spreadsheets in East Asian locales read them as the ASCII ones.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_CONTENT_TYPE}


def neutralise(value: Any) -> Any:
    """Make a cell safe to store in a file and open in a spreadsheet; numbers and dates are
    left as they are."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


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

    # --- XLSX: xlsxwriter's constant-memory mode keeps memory flat ---------------------------
    # Measured against openpyxl's write-only mode (bench/reports.py, docs/performance.md): the
    # same flat memory, about a third less time on 100,000 rows.
    def write_xlsx(self, stream: Any, **filters: Any) -> None:
        import xlsxwriter

        workbook = xlsxwriter.Workbook(
            stream,
            {
                "constant_memory": True,  # each row goes to disk once the next one starts
                # Text stays text: neutralise() has already defused formulas; xlsxwriter must not
                # turn "=..." back into a formula, "http://..." into a link or "007" into 7.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_date_format": "yyyy-mm-dd",
                "remove_timezone": True,
            },
        )
        try:
            sheet = workbook.add_worksheet(_sheet_title(self.title))
            stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
            sheet.add_write_handler(datetime, lambda ws, r, c, value, *_: ws.write_datetime(r, c, value, stamp))
            sheet.write_row(0, 0, [neutralise(c) for c in self.columns])
            for index, row in enumerate(self.rows(**filters), start=1):
                sheet.write_row(index, 0, [_xlsx_cell(neutralise(cell)) for cell in row])
        finally:
            workbook.close()

    def xlsx_bytes(self, **filters: Any) -> bytes:
        stream = io.BytesIO()
        self.write_xlsx(stream, **filters)
        return stream.getvalue()

    def write(self, file_format: str, stream: Any, **filters: Any) -> None:
        """Write the whole file to a binary stream."""
        if file_format == "xlsx":
            self.write_xlsx(stream, **filters)
            return
        for chunk in self.iter_csv(**filters):
            stream.write(chunk.encode("utf-8"))

    # --- The download: built first, audited with its success, then streamed -----------------
    def response(self, file_format: str, *, audit: Callable[[], object], **filters: Any) -> StreamingHttpResponse:
        """The file as a download. `audit` writes the export's audit entry; it runs only after
        the file was written in full, inside one transaction, so there is never an entry for an
        export that failed and never an export without one.

        The file goes to a temporary file rather than memory (flat memory for any size) and is
        then streamed in chunks.
        """
        if file_format not in CONTENT_TYPES:
            raise ValueError(f"Unknown export format {file_format!r}")
        handle = tempfile.TemporaryFile()
        try:
            self.write(file_format, handle, **filters)
            with transaction.atomic():
                audit()
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        response = StreamingHttpResponse(_chunks(handle), content_type=CONTENT_TYPES[file_format])
        response["Content-Disposition"] = f'attachment; filename="{self.filename(file_format)}"'
        return response


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def _sheet_title(title: str) -> str:
    # Excel refuses these in a sheet name, an apostrophe at either end, and over 31 characters.
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip(" '") or "Export"


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
