"""HR roster import: preview (what would change, row by row) and apply (all of it, in one transaction).

A preview stores the parsed rows on a RosterImport; applying re-plans those same rows against
the database as it is at that moment, so the outcome is always what a fresh preview would show.
People are matched by employee id, then by e-mail. Unchanged rows are never written, which is
what makes importing the same file twice a no-op.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from common.progress import Ticker, progress_set
from profiles.models import Department, Person
from programs.models import Mentorship
from programs.services.pairs import mentorship_end
from reports import emails
from reports.models import RosterImport
from reports.roster_file import LABELS, ParsedRoster
from reports.services.people_bulk import NewPerson, in_chunks, people_ids, people_insert, people_update, where_in

logger = logging.getLogger(__name__)

APPLY_STEPS = (
    "Step 1 of 4: comparing the file with the app",
    "Step 2 of 4: adding new people",
    "Step 3 of 4: updating changed people",
    "Step 4 of 4: ending the pairs of people who left",
)
PREVIEW_LIMIT = 200  # rows of each kind listed on the preview page; the counts are always complete
DATE_FIELDS = {"hire_date", "retirement_eligible_on", "separated_on"}
# Roster column -> Person attribute. "department" and "supervisor_id" are resolved to ids.
PERSON_FIELDS = {
    "employee_id": "employee_id",
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "department": "department_id",
    "title": "title",
    "grade": "grade",
    "supervisor_id": "supervisor_id",
    "hire_date": "hire_date",
    "retirement_eligible_on": "retirement_eligible_on",
    "separated_on": "separated_on",
    "separation_reason": "separation_reason",
}


@dataclass
class RowPlan:
    row: dict[str, Any]
    action: str  # "new", "changed", "unchanged", "error"
    errors: list[str] = field(default_factory=list)
    person_id: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # column -> (old, new) for display
    newly_separated: bool = False


@dataclass
class RosterPlan:
    rows: list[RowPlan]
    new_departments: list[str]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def error_count(self) -> int:
        return self.count("error")


def _dept_key(value: str) -> str:
    return value.strip().lower()


def _department_lookup() -> dict[str, Department]:
    lookup: dict[str, Department] = {}
    for dept in Department.objects.all():
        lookup.setdefault(_dept_key(dept.code), dept)
        lookup.setdefault(_dept_key(dept.name), dept)
    return lookup


def _existing_people(rows: list[dict[str, Any]]) -> tuple[dict[str, dict], dict[str, dict]]:
    ids = {r["employee_id"] for r in rows if r.get("employee_id")}
    ids |= {r["supervisor_id"] for r in rows if r.get("supervisor_id")}
    emails_ = {r["email"] for r in rows if r.get("email")}
    fields = [
        "id", "employee_id", "email", "first_name", "last_name", "department_id", "department__name", "title",
        "grade", "supervisor_id", "supervisor__employee_id", "hire_date", "retirement_eligible_on",
        "separated_on", "separation_reason",
    ]  # fmt: skip
    by_id: dict[str, dict] = {}
    by_email: dict[str, dict] = {}
    for chunk in in_chunks(ids):
        for p in where_in(Person.objects.all(), "employee_id", chunk).values(*fields):
            by_id[p["employee_id"]] = p
    for chunk in in_chunks(emails_):
        # Rows are lower-cased; people added by hand may not be, and must still match.
        for p in where_in(Person.objects.all(), "email", chunk, lower=True).values(*fields):
            by_email[p["email"].lower()] = p
    return by_id, by_email


def _display(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def roster_plan(*, rows: list[dict[str, Any]], columns: list[str], ticker: Ticker | None = None) -> RosterPlan:
    """Compare parsed rows with the database. Reads only; writes nothing."""
    by_id, by_email = _existing_people(rows)
    departments = _department_lookup()
    new_departments: dict[str, str] = {}
    plans: list[RowPlan] = []
    for row in rows:
        if ticker is not None:
            ticker.add()
        plan = RowPlan(row=row, action="error" if row["errors"] else "", errors=list(row["errors"]))
        plans.append(plan)
        if plan.errors:
            continue
        person = by_id.get(row["employee_id"])
        holder = by_email.get(row["email"])
        if person is None and holder is not None:
            if holder["employee_id"] and holder["employee_id"] != row["employee_id"]:
                plan.errors.append(f"The e-mail {row['email']} belongs to employee {holder['employee_id']}.")
            else:
                person = holder  # known by e-mail only (added by hand before the first import)
        elif person is not None and holder is not None and holder["id"] != person["id"]:
            other = holder["employee_id"] or holder["email"]
            plan.errors.append(f"The e-mail {row['email']} is already used by {other}.")
        dept = departments.get(_dept_key(row["department"]))
        if dept is None:
            new_departments.setdefault(_dept_key(row["department"]), row["department"])
        if plan.errors:
            plan.action = "error"
            continue
        plan.person_id = person["id"] if person else None
        if person is None:
            plan.action = "new"
            plan.newly_separated = bool(row.get("separated_on"))
            continue
        for column in columns:
            if column not in PERSON_FIELDS:
                continue
            new = row.get(column)
            if column == "department":
                old, new_cmp = person["department__name"], dept.pk if dept else None
                if new_cmp != person["department_id"]:
                    plan.changes[column] = (old, row["department"])
                continue
            if column == "supervisor_id":
                old = person["supervisor__employee_id"] or ""
                if (new or "") != old:
                    plan.changes[column] = (old, new or "")
                continue
            old = person[column]
            if column in DATE_FIELDS:
                old = old.isoformat() if old else None
            elif old is None:
                old = ""
            if (new or None) != (old or None):
                plan.changes[column] = (_display(old), _display(new))
        if "separated_on" in plan.changes and not person["separated_on"] and row.get("separated_on"):
            plan.newly_separated = True
        plan.action = "changed" if plan.changes else "unchanged"

    _check_supervisors(plans, by_id)
    return RosterPlan(rows=plans, new_departments=sorted(new_departments.values(), key=str.lower))


def _check_supervisors(plans: list[RowPlan], by_id: dict[str, dict]) -> None:
    # A supervisor must exist after the import: in the database already, or on a valid row of
    # this file. Unknown ids are reported on every row (even one with other errors); then repeat
    # until stable, because rejecting one row can orphan the rows that report to it.
    in_file = {p.row.get("employee_id") for p in plans}
    for plan in plans:
        sup = plan.row.get("supervisor_id")
        if sup and sup not in by_id and sup not in in_file:
            plan.action = "error"
            plan.errors.append(f"The supervisor id {sup} is neither in the app nor in this file.")
    while True:
        valid = {p.row["employee_id"] for p in plans if p.action != "error"}
        newly_bad = False
        for plan in plans:
            sup = plan.row.get("supervisor_id")
            if plan.action == "error" or not sup or sup in by_id or sup in valid:
                continue
            plan.action = "error"
            plan.errors.append(f"The supervisor {sup} is only on a row of this file that has errors.")
            newly_bad = True
        if not newly_bad:
            return


def roster_preview_payload(plan: RosterPlan, notes: list[str]) -> dict[str, Any]:
    listed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in plan.rows:
        if p.action == "unchanged" or len(listed[p.action]) >= PREVIEW_LIMIT:
            continue
        name = f"{p.row.get('first_name', '')} {p.row.get('last_name', '')}".strip()
        item = {"line": p.row["line"], "employee_id": p.row.get("employee_id", ""), "name": name}
        if p.action == "error":
            item["errors"] = p.errors
        elif p.action == "changed":
            item["changes"] = [[LABELS.get(c, c), old, new] for c, (old, new) in p.changes.items()]
        else:
            item["department"] = p.row.get("department", "")
        if p.newly_separated:
            item["separation"] = p.row.get("separated_on")
        listed[p.action].append(item)
    return {
        "counts": {a: plan.count(a) for a in ("new", "changed", "unchanged", "error")},
        "total": len(plan.rows),
        "separations": sum(1 for p in plan.rows if p.newly_separated and p.action != "error"),
        "new_departments": plan.new_departments,
        "notes": notes,
        "rows": dict(listed),
        "limit": PREVIEW_LIMIT,
    }


@transaction.atomic
def roster_preview_create(*, parsed: ParsedRoster, by: Any) -> RosterImport:
    """Store the parsed upload with what it would change. Nothing about people is written."""
    plan = roster_plan(rows=parsed.rows, columns=parsed.columns)
    return RosterImport.objects.create(
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
        filename=parsed.filename[:255],
        sha256=parsed.sha256,
        encoding=parsed.encoding,
        columns=parsed.columns,
        rows=parsed.rows,
        preview=roster_preview_payload(plan, parsed.notes),
    )


def _unique_code(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")[:16] or "DEPT"
    code, n = base, 1
    while code.lower() in taken:
        n += 1
        code = f"{base[:16]}-{n}"
    taken.add(code.lower())
    return code


@transaction.atomic
def roster_apply(
    *, roster_import: RosterImport, by: Any, valid_rows_only: bool = False, progress: bool = False
) -> dict[str, int]:
    """Apply a previewed roster. With errors, nothing changes unless `valid_rows_only` is chosen.

    With `progress`, how far it has got is reported for the import's page (common.progress).
    """
    locked = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if locked.status != RosterImport.Status.PREVIEWED:
        raise ValidationError(f"This import is already {locked.get_status_display().lower()}.")
    key = locked.progress_key if progress else None
    total = len(locked.rows)
    ticker = Ticker(key, step=APPLY_STEPS[0], total=total) if key else None
    plan = roster_plan(rows=locked.rows, columns=locked.columns, ticker=ticker)
    if plan.error_count and not valid_rows_only:
        raise ValidationError(
            f"{plan.error_count} row(s) have errors, so nothing was changed. Fix the file and upload it "
            "again, or choose to apply only the valid rows."
        )
    columns = [c for c in locked.columns if c in PERSON_FIELDS]
    departments = _department_lookup()
    if plan.new_departments:
        taken = {d.code.lower() for d in Department.objects.all()}
        created = Department.objects.bulk_create(
            [Department(name=name[:200], code=_unique_code(name, taken)) for name in plan.new_departments]
        )
        for dept in created:
            departments[_dept_key(dept.name)] = dept

    now = timezone.now()
    ids = _supervisor_ids(plan)
    pending = [p for p in plan.rows if p.action == "new"]
    people = []
    for p in pending:
        values = _person_values(p.row, columns, departments)
        del values["supervisor_id"]
        people.append(NewPerson(p.row["employee_id"], p.row.get("supervisor_id") or "", values))
    ticker = Ticker(key, step=APPLY_STEPS[1], total=len(pending)) if key else None
    people_insert(people, known=ids, now=now, ticker=ticker)
    for p in pending:
        p.person_id = ids[p.row["employee_id"]]

    changed = [p for p in plan.rows if p.action == "changed"]
    fields_changed = sorted({PERSON_FIELDS[c] for p in changed for c in p.changes})
    if key:
        progress_set(key, step=APPLY_STEPS[2], done=0, total=len(changed))
    if changed:
        rows = []
        for p in changed:
            values = _person_values(p.row, columns, departments)
            values["supervisor_id"] = ids.get(p.row.get("supervisor_id") or "")
            rows.append((p.person_id, {**{f: values[f] for f in fields_changed}, "updated_at": now}))
        people_update(rows, [*fields_changed, "updated_at"])

    separated_ids = [p.person_id for p in plan.rows if p.newly_separated and p.action == "changed"]
    if key:
        progress_set(key, step=APPLY_STEPS[3], done=len(changed), total=len(changed))
    ended = _end_pairs_of_separated(person_ids=separated_ids, by=by) if separated_ids else 0

    result = {
        "new": plan.count("new"),
        "changed": plan.count("changed"),
        "unchanged": plan.count("unchanged"),
        "skipped": plan.error_count,
        "departments_created": len(plan.new_departments),
        "separations": sum(1 for p in plan.rows if p.newly_separated and p.action != "error"),
        "pairs_ended": ended,
    }
    locked.status, locked.applied_at, locked.valid_rows_only = RosterImport.Status.APPLIED, now, valid_rows_only
    locked.apply_error = ""
    locked.applied_by = by if getattr(by, "is_authenticated", False) else None
    locked.result = result
    locked.save(update_fields=["status", "applied_at", "applied_by", "valid_rows_only", "result", "apply_error"])
    audit_record(
        actor=by,
        action="roster.import",
        target=locked,
        summary=(
            f"Roster {locked.filename}: {result['new']} new, {result['changed']} changed, "
            f"{result['unchanged']} unchanged, {result['skipped']} skipped, {result['pairs_ended']} pairs ended"
        ),
        data={**result, "sha256": locked.sha256},
    )
    return result


def _supervisor_ids(plan: RosterPlan) -> dict[str, int]:
    """employee id -> pk of everyone in the database that a row names as supervisor."""
    return people_ids({p.row["supervisor_id"] for p in plan.rows if p.action in ("new", "changed") and p.row.get("supervisor_id")})


def _person_values(row: dict[str, Any], columns: list[str], departments: dict[str, Department]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in columns:
        attr = PERSON_FIELDS[column]
        value = row.get(column)
        if column == "department":
            value = departments[_dept_key(value)].pk
        elif column in DATE_FIELDS:
            value = date.fromisoformat(value) if value else None
        elif column == "supervisor_id":
            continue
        else:
            value = value or ""
        values[attr] = value
    values["supervisor_id"] = None
    return values


@transaction.atomic
def roster_import_discard(*, roster_import: RosterImport, by: Any) -> None:
    locked = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if locked.status != RosterImport.Status.PREVIEWED:
        raise ValidationError(f"This import is already {locked.get_status_display().lower()}.")
    locked.status, locked.rows = RosterImport.Status.DISCARDED, []
    locked.save(update_fields=["status", "rows"])


def _end_pairs_of_separated(*, person_ids: list[int], by: Any) -> int:
    """End the active pairs of people who have left, and tell each program's coordinators."""
    pairs = list(
        Mentorship.objects.active()
        .filter(Q(mentor_id__in=person_ids) | Q(mentee_id__in=person_ids))
        .select_related("cycle__program", "mentor", "mentee")
    )
    if not pairs:
        return 0
    separated = set(person_ids)
    by_program: dict[int, list[tuple[Mentorship, str]]] = defaultdict(list)
    for pair in pairs:
        leaver = pair.mentor if pair.mentor_id in separated else pair.mentee
        reason = f"{leaver.full_name} left on {leaver.separated_on:%Y-%m-%d} (HR roster)"
        if leaver.separation_reason:
            reason += f": {leaver.separation_reason}"
        _end_pair(pair=pair, by=by, reason=reason)
        by_program[pair.cycle.program_id].append((pair, reason))
    for items in by_program.values():
        program = items[0][0].cycle.program
        # Recorded with the pairs' ending; a worker mails it after commit.
        emails.roster_separations(program=program, pairs=items)
    return len(pairs)


def _end_pair(*, pair: Mentorship, by: Any, reason: str) -> None:
    # The programs app owns ending a pair (flags resolved, audit, the mentorship_ended signal).
    mentorship_end(mentorship=pair, by=by, reason=reason)
