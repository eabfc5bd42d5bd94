"""Which programs and cycles a report may cover for a user, and the filters every report shares."""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from accounts.roles import is_hr_analyst
from common.visibility import MIN_GROUP_SIZE
from programs.models import Cycle, Program
from programs.selectors.access import coordinated_programs


def programs_in_scope(user: Any) -> QuerySet[Program]:
    """HR analysts report on every program; coordinators on the programs they run."""
    if is_hr_analyst(user):
        return Program.objects.all()
    return coordinated_programs(user)


@dataclass(frozen=True)
class ReportFilters:
    program_id: int | None = None
    cycle_id: int | None = None
    department_id: int | None = None
    date_from: date | None = None  # cycles starting on or after
    date_to: date | None = None  # cycles starting on or before

    def as_json(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items() if v is not None}


def cycles_for(*, filters: ReportFilters, programs: QuerySet[Program]) -> QuerySet[Cycle]:
    cycles = Cycle.objects.filter(program__in=programs)
    if filters.program_id:
        cycles = cycles.filter(program_id=filters.program_id)
    if filters.cycle_id:
        cycles = cycles.filter(pk=filters.cycle_id)
    if filters.date_from:
        cycles = cycles.filter(starts_on__gte=filters.date_from)
    if filters.date_to:
        cycles = cycles.filter(starts_on__lte=filters.date_to)
    return cycles.select_related("program").order_by("-starts_on", "program__name", "pk")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (31 Aug + 6 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def percent(part: int, whole: int) -> int | None:
    """Whole percent, halves rounded up (exact integer arithmetic, so 1/8 -> 13, 1/200 -> 1)."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


# Groups of fewer people are marked, so a percentage of 2 people is read as such: the same
# threshold as the anonymity rule (common.visibility), so "small" means one thing everywhere.
SMALL_GROUP = MIN_GROUP_SIZE
