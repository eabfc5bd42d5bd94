"""The reports as exports: each class yields the rows of one report; common.exports writes CSV and XLSX."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.db.models import QuerySet

from common.exports import Export
from profiles.models import Person
from programs.models import Mentorship, Program
from reports.selectors.knowledge import knowledge_at_risk
from reports.selectors.outcomes import outcome_rows, program_outcomes
from reports.selectors.retention import MONTHS, retention_members, retention_rows
from reports.selectors.scope import ReportFilters, cycles_for

YES_NO = {True: "yes", False: "no", None: "not yet"}


class ReportExport(Export):
    """An export bound to its filters, so `rows()` needs no arguments (and a worker can rebuild it)."""

    hr_only: ClassVar[bool] = False

    def __init__(self, *, filters: ReportFilters, programs: QuerySet[Program], today: date, options: dict[str, Any] | None = None) -> None:
        self.filters, self.programs, self.today, self.options = filters, programs, today, options or {}

    def estimated_rows(self) -> int:
        """An upper bound, cheap to compute, that decides between a direct download and a task."""
        return 0


class RetentionExport(ReportExport):
    title = "Retention"
    columns: ClassVar[Sequence[str]] = (
        "Cohort", "Program", "Cycle start", "Group", "Department", "People",
        *(f"Employed at {m} months" for m in MONTHS), *(f"% employed at {m} months" for m in MONTHS),
        "Small group (under 5)",
    )  # fmt: skip

    def rows(self, **_: Any) -> Iterator[Sequence[Any]]:
        for row in retention_rows(filters=self.filters, programs=self.programs, today=self.today):
            figures = row.figures
            yield (
                row.cycle.name, row.cycle.program.name, row.cycle.starts_on, row.group, row.department, row.people,
                *(count for _, count, _ in figures), *(share for _, _, share in figures), "yes" if row.small else "",
            )  # fmt: skip


class RetentionPeopleExport(ReportExport):
    """The people behind the retention figures, one row per person and cohort group (HR only)."""

    title = "Retention people"
    hr_only = True
    columns: ClassVar[Sequence[str]] = (
        "Cohort", "Program", "Cycle start", "Group", "Employee id", "Name", "Department", "Tenure at start",
        "Hire date", "Separation date", *(f"Employed at {m} months" for m in MONTHS),
    )  # fmt: skip

    def rows(self, **_: Any) -> Iterator[Sequence[Any]]:
        for m in retention_members(filters=self.filters, programs=self.programs, today=self.today):
            p = m.person
            yield (
                m.cycle.name, m.cycle.program.name, m.cycle.starts_on, m.group, p["employee_id"] or "",
                f"{p['first_name']} {p['last_name']}".strip(), p["department__name"], m.band, p["hire_date"],
                p["separated_on"], *(YES_NO[m.employed[months]] for months in MONTHS),
            )  # fmt: skip

    def estimated_rows(self) -> int:
        cycles = cycles_for(filters=self.filters, programs=self.programs)
        pairs = Mentorship.objects.filter(cycle__in=cycles)
        departments = pairs.values("mentee__department_id")
        if self.filters.department_id:
            departments = departments.filter(mentee__department_id=self.filters.department_id)
        candidates = Person.objects.filter(department_id__in=departments).count()
        return 2 * pairs.count() + candidates * max(cycles.count(), 1)


class KnowledgeExport(ReportExport):
    title = "Knowledge at risk"
    hr_only = True
    columns: ClassVar[Sequence[str]] = (
        "Skill", "Category", "People at risk holding it", "Who", "Earliest retirement eligibility",
        "Highest level held", "Others holding it at this level", "Mentees working toward it",
        "Flash conversations by holders at risk (12 months)", "No one to carry it on",
    )  # fmt: skip

    def rows(self, **_: Any) -> Iterator[Sequence[Any]]:
        report = knowledge_at_risk(
            horizon=self.options["horizon"],
            min_level=self.options["min_level"],
            department_id=self.filters.department_id,
            program_id=self.filters.program_id,
            status=self.options.get("status", ""),
        )
        for s in report.skills:
            yield (
                s.skill, s.category, len(s.holders), "; ".join(f"{h.name} ({h.department})" for h in s.holders),
                s.earliest, s.top_level, s.others, s.learners, s.flash_conversations, "yes" if s.unprotected else "",
            )  # fmt: skip


class OutcomesExport(ReportExport):
    title = "Program outcomes"
    columns: ClassVar[Sequence[str]] = ("Section", "Group", "Measure", "Count", "Out of", "Percent")

    def rows(self, **_: Any) -> Iterator[Sequence[Any]]:
        yield from outcome_rows(program_outcomes(filters=self.filters, programs=self.programs))


@dataclass(frozen=True)
class ReportSpec:
    slug: str
    title: str
    export: type[ReportExport]
    url_name: str

    @property
    def hr_only(self) -> bool:
        return self.export.hr_only


REPORTS: dict[str, ReportSpec] = {
    spec.slug: spec
    for spec in (
        ReportSpec("retention", "Retention", RetentionExport, "reports:retention"),
        ReportSpec("retention-people", "Retention: the people behind the figures", RetentionPeopleExport, "reports:retention"),
        ReportSpec("knowledge", "Knowledge at risk", KnowledgeExport, "reports:knowledge"),
        ReportSpec("outcomes", "Program outcomes", OutcomesExport, "reports:outcomes"),
    )
}
