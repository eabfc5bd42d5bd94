"""Reading and writing tens of thousands of people at once, for the roster import.

PostgreSQL gets the fast paths (`= ANY(array)` look-ups, `COPY`, `UPDATE ... FROM (VALUES ...)`);
any other database (SQLite in development) gets the ORM's equivalents, with the same results.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from common.progress import Ticker
from profiles.models import Person

BATCH = 1000
COPY_BATCH = 10_000  # rows per COPY: one progress report each


@dataclass
class NewPerson:
    employee_id: str
    supervisor_employee_id: str  # "" for none; may name someone else in the same batch
    values: dict[str, Any]  # Person attribute -> value, without the supervisor


def in_chunks(values: set[str], size: int = 10_000) -> list[list[str]]:
    items = sorted(values)
    return [items[i : i + size] for i in range(0, len(items), size)]


def where_in(queryset: QuerySet, column: str, values: list[str], *, lower: bool = False) -> QuerySet:
    """`column__in=values` (case-insensitive with `lower`), as `= ANY(array)` on PostgreSQL:
    Django prepares each of a 10,000-value IN list one by one, which took seconds per import."""
    if connection.vendor != "postgresql":
        if lower:
            return queryset.annotate(_lower=Lower(column)).filter(_lower__in=values)
        return queryset.filter(**{f"{column}__in": values})
    qn = connection.ops.quote_name
    target = f"{qn(queryset.model._meta.db_table)}.{qn(column)}"
    if lower:
        target = f"LOWER({target})"
    return queryset.filter(RawSQL(f"{target} = ANY(%s)", (list(values),), output_field=BooleanField()))


def people_ids(employee_ids: set[str]) -> dict[str, int]:
    """employee id -> pk for those of `employee_ids` in the database."""
    ids: dict[str, int] = {}
    for chunk in in_chunks(employee_ids):
        ids.update(where_in(Person.objects.all(), "employee_id", chunk).values_list("employee_id", "id"))
    return ids


def people_update(rows: list[tuple[int, dict[str, Any]]], fields: list[str]) -> None:
    """Set `fields` of many people, each to its own values, in batches.

    On PostgreSQL one UPDATE ... FROM (VALUES ...) per batch: Django's bulk_update builds a
    CASE expression per field and row, which is slow in Python for tens of thousands of rows.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        people = [Person(pk=pk, **values) for pk, values in rows]
        Person.objects.bulk_update(people, fields, batch_size=BATCH)
        return
    meta = Person._meta
    columns = [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    pk_type = meta.pk.db_type(connection).replace("serial", "int")
    row_sql = "(" + ", ".join([f"%s::{pk_type}", *(f"%s::{c.db_type(connection)}" for c in columns)]) + ")"
    names = ", ".join(["id", *(qn(c.column) for c in columns)])
    assignments = ", ".join(f"{qn(c.column)} = v.{qn(c.column)}" for c in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            params: list[Any] = []
            for pk, values in chunk:
                params.append(pk)
                params.extend(c.get_db_prep_save(values[c.attname], connection) for c in columns)
            cursor.execute(
                f"UPDATE {qn(meta.db_table)} AS p SET {assignments} "
                f"FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v({names}) WHERE p.id = v.id",
                params,
            )


def people_insert(people: list[NewPerson], *, known: dict[str, int], now: Any, ticker: Ticker | None) -> None:
    """Insert new people with their supervisors; adds each new employee id -> pk to `known`.

    `known` must already hold every supervisor who is in the database.
    """
    if not people:
        return
    if connection.vendor == "postgresql":
        _copy_people(people, known=known, now=now, ticker=ticker)
    else:
        _create_people(people, known=known, now=now, ticker=ticker)


def _create_people(people: list[NewPerson], *, known: dict[str, int], now: Any, ticker: Ticker | None) -> None:
    """Through the ORM, in rounds, so each supervisor has an id before the people reporting to
    them are inserted. A loop in the hierarchy (A reports to B, B to A) cannot be ordered: those
    rows are inserted without a supervisor and given one in a second pass."""
    pending, looped = list(people), False
    while pending:
        ready = [p for p in pending if not p.supervisor_employee_id or p.supervisor_employee_id in known]
        if not ready:
            ready, looped = pending, True
        rows = [
            Person(**p.values, supervisor_id=None if looped else known.get(p.supervisor_employee_id)) for p in ready
        ]
        Person.objects.bulk_create(rows, batch_size=BATCH)
        for p, row in zip(ready, rows, strict=True):
            known[p.employee_id] = row.pk
        if ticker is not None:
            ticker.add(len(rows))
        pending = [p for p in pending if p.employee_id not in known]
        if looped:
            people_update(
                [
                    (known[p.employee_id], {"supervisor_id": known.get(p.supervisor_employee_id), "updated_at": now})
                    for p in ready
                ],
                ["supervisor_id", "updated_at"],
            )


def copy_text(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy_people(people: list[NewPerson], *, known: dict[str, int], now: Any, ticker: Ticker | None) -> None:
    """With PostgreSQL's COPY, then every supervisor in one UPDATE from a temporary table.

    The ORM's bulk_create spent most of a 50,000-row import preparing each of 1.3 million
    parameters; COPY takes the rows as text. Every column the roster does not set gets the
    model's default (worked out once), as bulk_create would give it. Setting supervisors
    afterwards makes their order in the file, and loops in the hierarchy, irrelevant.
    """
    meta = Person._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    attnames = [f.attname for f in fields]
    given = set(people[0].values)  # every row sets the same attributes
    fixed: dict[str, str] = {}
    for f in fields:
        if f.attname in given:
            continue
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        fixed[f.attname] = copy_text(now if auto else f.get_default())
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    names = ", ".join(qn(f.column) for f in fields)
    with connection.cursor() as cursor:
        for start in range(0, len(people), COPY_BATCH):
            chunk = people[start : start + COPY_BATCH]
            buffer = io.StringIO()
            for p in chunk:
                values = p.values
                buffer.write("\t".join(fixed[a] if a in fixed else copy_text(values[a]) for a in attnames))
                buffer.write("\n")
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
            if ticker is not None:
                ticker.add(len(chunk))
        cursor.execute(
            "CREATE TEMPORARY TABLE roster_supervisors (employee_id varchar(40), supervisor_id varchar(40)) ON COMMIT DROP"
        )
        links = io.StringIO()
        for p in people:
            if p.supervisor_employee_id:
                links.write(f"{copy_text(p.employee_id)}\t{copy_text(p.supervisor_employee_id)}\n")
        links.seek(0)
        cursor.copy_expert("COPY roster_supervisors (employee_id, supervisor_id) FROM STDIN", links)
        cursor.execute(
            f"UPDATE {table} AS p SET supervisor_id = s.id FROM roster_supervisors AS t "
            f"JOIN {table} AS s ON s.employee_id = t.supervisor_id WHERE p.employee_id = t.employee_id"
        )
        cursor.execute("DROP TABLE roster_supervisors")
    known.update(people_ids({p.employee_id for p in people}))
