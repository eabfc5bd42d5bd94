"""Reading an HR roster file (CSV or XLSX) into plain rows, with a reason for every rejected value.

Nothing here touches the database: `read_roster` turns bytes into `ParsedRoster`, whose rows
are JSON-safe dicts (dates as ISO strings) so they can be stored with the preview and applied
later exactly as they were shown.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from common.text import clean_text

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
PROGRESS_EVERY = 5_000  # lines read between two progress reports

# Canonical field -> header spellings accepted (compared after lower-casing and squeezing
# spaces, hyphens and underscores to a single "_").
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("employee_id", "employee_number", "emplid", "employee_no", "id"),
    "name": ("name", "full_name", "employee_name"),
    "first_name": ("first_name", "given_name", "firstname"),
    "last_name": ("last_name", "surname", "family_name", "lastname"),
    "email": ("email", "e_mail", "email_address", "e_mail_address", "work_email"),
    "department": ("department", "department_code", "dept", "agency_department"),
    "title": ("title", "job_title", "position_title", "position"),
    "grade": ("grade", "pay_grade", "band"),
    "supervisor_id": ("supervisor_id", "supervisor_employee_id", "manager_id", "supervisor"),
    "hire_date": ("hire_date", "date_hired", "start_date", "service_computation_date"),
    "retirement_eligible_on": (
        "retirement_eligibility_date",
        "retirement_eligible_date",
        "retirement_eligible_on",
        "retirement_date",
        "retirement_eligibility",
    ),
    "separated_on": ("separation_date", "separated_on", "termination_date", "end_date"),
    "separation_reason": ("separation_reason", "reason", "termination_reason"),
}
REQUIRED = ("employee_id", "email", "department")
OPTIONAL = ("title", "grade", "supervisor_id", "hire_date", "retirement_eligible_on", "separated_on", "separation_reason")
DATE_FIELDS = ("hire_date", "retirement_eligible_on", "separated_on")
MAX_LENGTHS = {
    "employee_id": 40,
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "department": 200,
    "title": 200,
    "grade": 20,
    "supervisor_id": 40,
    "separation_reason": 200,
}
LABELS = {
    "employee_id": "employee id",
    "name": "name",
    "first_name": "first name",
    "last_name": "last name",
    "email": "e-mail",
    "department": "department",
    "title": "title",
    "grade": "grade",
    "supervisor_id": "supervisor id",
    "hire_date": "hire date",
    "retirement_eligible_on": "retirement-eligibility date",
    "separated_on": "separation date",
    "separation_reason": "separation reason",
}


class RosterFileError(ValueError):
    """The file as a whole cannot be read (wrong type, too large, missing columns)."""


@dataclass
class ParsedRoster:
    filename: str
    sha256: str
    encoding: str
    columns: list[str]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def _normalise_header(text: Any) -> str:
    return re.sub(r"[\s_\-]+", "_", str(text or "").strip().lower()).strip("_")


def _map_headers(headers: list[Any]) -> dict[int, str]:
    lookup = {alias: canonical for canonical, aliases in HEADER_ALIASES.items() for alias in aliases}
    mapping: dict[int, str] = {}
    seen: set[str] = set()
    for index, header in enumerate(headers):
        canonical = lookup.get(_normalise_header(header))
        if canonical and canonical not in seen:
            mapping[index] = canonical
            seen.add(canonical)
    missing = [LABELS[f] for f in REQUIRED if f not in seen]
    if "name" not in seen and not {"first_name", "last_name"} <= seen:
        missing.insert(1, "name (or first name and last name)")
    if missing:
        raise RosterFileError(
            "The file is missing these columns: " + ", ".join(missing) + ". "
            "The first row must hold the column names, e.g. employee id, name, e-mail, department."
        )
    return mapping


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        return text, "cp1252", [
            "The file is not UTF-8, so it was read as Windows-1252 (Western European). "
            "Check that accented names look right below; if not, save the file as CSV UTF-8 and upload it again."
        ]


def _csv_rows(data: bytes) -> tuple[list[list[Any]], str, list[str]]:
    text, encoding, notes = _decode(data)
    if "\x00" in text:
        raise RosterFileError("This does not look like a CSV text file. Upload a .csv or .xlsx file.")
    return _csv_table(text), encoding, notes


def _csv_table(text: str, limit: int | None = None) -> list[list[Any]]:
    """The rows of a CSV text (only the first `limit`, read lazily, when given)."""
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(islice(csv.reader(io.StringIO(text), dialect), limit))
    except csv.Error as exc:
        raise RosterFileError(f"The CSV file could not be read: {exc}. Save it again as CSV and upload it.") from exc


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise RosterFileError("The spreadsheet could not be opened. Save it as .xlsx and try again.") from exc
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(value: Any) -> date | None:
    """ISO (2024-03-31) or US month/day/year (3/31/2024); spreadsheet dates as they are."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    # The two usual spellings without strptime, which costs about 20 µs a call: a 50,000-row
    # roster has three date columns.
    try:
        if _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        if match := _US_DATE.fullmatch(text):
            return date(int(match[3]), int(match[1]), int(match[2]))
    except ValueError:
        pass  # 2024-02-30 and the like: strptime below refuses them too, with the message
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date; use YYYY-MM-DD or MM/DD/YYYY")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:  # nearly every cell: skip the checks below
        return " ".join(clean_text(value).split())
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # employee ids typed as numbers in a spreadsheet
    if isinstance(value, datetime | date):
        return value.isoformat()
    # Control characters pasted into an HR system go too (common.text): names and titles end up
    # in every export.
    return " ".join(clean_text(str(value)).split())


def _split_name(name: str) -> tuple[str, str]:
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    first, _, last = name.rpartition(" ")
    return (first.strip(), last.strip()) if first else ("", name.strip())


def _clean_row(raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    errors: list[str] = []
    row: dict[str, Any] = {}
    for key in ("employee_id", "email", "department", "title", "grade", "supervisor_id", "separation_reason"):
        if key in raw:
            row[key] = _text(raw[key])
    if "name" in raw and not (raw.get("first_name") or raw.get("last_name")):
        row["first_name"], row["last_name"] = _split_name(_text(raw["name"]))
    else:
        row["first_name"], row["last_name"] = _text(raw.get("first_name")), _text(raw.get("last_name"))
    row["email"] = row.get("email", "").lower()

    if not row.get("employee_id"):
        errors.append("The employee id is empty.")
    if not (row["first_name"] or row["last_name"]):
        errors.append("The name is empty.")
    if not row["email"]:
        errors.append("The e-mail is empty.")
    else:
        try:
            validate_email(row["email"])
        except ValidationError:
            errors.append(f"“{row['email']}” is not a valid e-mail address.")
    if not row.get("department"):
        errors.append("The department is empty.")
    for key, limit in MAX_LENGTHS.items():
        if len(row.get(key) or "") > limit:
            errors.append(f"The {LABELS[key]} is longer than {limit} characters.")
    for key in DATE_FIELDS:
        if key in raw:
            try:
                parsed = parse_date(raw[key])
            except ValueError as exc:
                errors.append(f"The {LABELS[key]}: {exc}.")
                parsed = None
            row[key] = parsed.isoformat() if parsed else None
    if row.get("hire_date") and row.get("separated_on") and row["separated_on"] < row["hire_date"]:
        errors.append("The separation date is before the hire date.")
    if row.get("separation_reason") and "separated_on" in row and not row.get("separated_on"):
        errors.append("A separation reason is given without a separation date.")
    if row.get("supervisor_id") and row["supervisor_id"] == row.get("employee_id"):
        errors.append("A person cannot be their own supervisor.")
    return row, errors


def _kind(data: bytes, filename: str) -> str:
    """The kind of file, "xlsx" or "csv", from the file's first bytes and its name; anything else is refused."""
    if len(data) > MAX_BYTES:
        raise RosterFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it or remove unused columns.")
    if not data.strip():
        raise RosterFileError("The file is empty.")
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        return "xlsx"
    if filename.lower().endswith((".csv", ".txt")):
        return "csv"
    raise RosterFileError("Upload a .csv or .xlsx file.")


def _header_row(table: list[list[Any]]) -> list[list[Any]]:
    # Skip blank lines before the header row (some HR exports start with one).
    start = 0
    while start < len(table) and not any(_text(c) for c in table[start]):
        start += 1
    if start == len(table):
        raise RosterFileError("The file is empty.")
    return table[start:]


def check_upload(data: bytes, filename: str) -> None:
    """The quick checks made while the uploader waits (size, type, column names); the rows are
    read later by a worker (`read_roster`). Raises RosterFileError."""
    kind = _kind(data, filename)
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
            raise RosterFileError("The spreadsheet could not be opened. Save it as .xlsx and try again.") from exc
        try:
            head = [list(row) for row in islice(workbook.worksheets[0].iter_rows(values_only=True), 20)]
        except Exception as exc:  # noqa: BLE001 - a broken sheet, or none at all
            raise RosterFileError("The spreadsheet could not be read. Save it as .xlsx and try again.") from exc
        finally:
            workbook.close()
    else:
        text, _, _ = _decode(data)
        if "\x00" in text:
            raise RosterFileError("This does not look like a CSV text file. Upload a .csv or .xlsx file.")
        head = _csv_table(text, limit=20)
    if not head or not any(any(_text(c) for c in row) for row in head):
        raise RosterFileError("The file is empty.")
    _map_headers(_header_row(head)[0])


def read_roster(data: bytes, filename: str, *, on_rows: Callable[[int, int], None] | None = None) -> ParsedRoster:
    """Parse an uploaded roster. Raises RosterFileError when the file as a whole is unusable.

    `on_rows(done, total)` is called every `PROGRESS_EVERY` lines, for a progress bar.
    """
    if _kind(data, filename) == "xlsx":
        table, encoding, notes = _xlsx_rows(data), "xlsx", []
    else:
        table, encoding, notes = _csv_rows(data)
    table = _header_row(table)
    mapping = _map_headers(table[0])
    body = table[1:]
    if len(body) > MAX_ROWS:
        raise RosterFileError(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")

    rows: list[dict[str, Any]] = []
    for line, cells in enumerate(body, start=2):
        if on_rows is not None and line % PROGRESS_EVERY == 0:
            on_rows(line - 1, len(body))
        if not any(_text(c) for c in cells):
            continue
        raw = {name: cells[i] if i < len(cells) else None for i, name in mapping.items()}
        row, errors = _clean_row(raw)
        row["line"], row["errors"] = line, errors
        rows.append(row)
    if not rows:
        raise RosterFileError("The file has column names but no rows.")

    present = set(mapping.values())
    # A name is always present (a required column), so names are always compared.
    columns = ["employee_id", "first_name", "last_name", "email", "department", *(f for f in OPTIONAL if f in present)]
    _mark_duplicates(rows)
    return ParsedRoster(
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        columns=columns,
        rows=rows,
        notes=notes,
    )


def _mark_duplicates(rows: list[dict[str, Any]]) -> None:
    for key, label in (("employee_id", "employee id"), ("email", "e-mail")):
        lines: dict[str, list[int]] = {}
        for row in rows:
            if row.get(key):
                lines.setdefault(row[key].lower(), []).append(row["line"])
        for row in rows:
            found = lines.get((row.get(key) or "").lower(), [])
            if len(found) > 1:
                others = ", ".join(str(n) for n in found if n != row["line"])
                row["errors"].append(f"The same {label} appears again on line {others}.")
