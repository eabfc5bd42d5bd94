"""Retention of participants: who was still employed 6, 12 and 24 months after their cycle started.

Definitions (docs/reports.md says the same in words):
- A cycle is a cohort. Its mentees (mentors) are the people paired as mentee (mentor) in one of
  its pairs, whatever the pair's status later; someone who was both is counted in both groups.
- A member counts only if employed on the cycle's start day S: hired on or before S (or no hire
  date) and not separated on or before S.
- "Still employed at M months" means no separation date, or one after S + M months. Before that
  day has come the figure is "not yet", never a guess.
- The comparison group of a cohort: people employed on S who have never been in any pair, in any
  role, in any cycle, whose (department, tenure band on S) is the same as at least one of the
  cohort's mentees. Tenure bands: under 2 years, 2-5, 5-10, 10-20, 20 or more, unknown.
- Department is the person's department now (the roster keeps no history).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from profiles.models import Person
from programs.models import Cycle, Mentorship, Program
from reports.selectors.scope import SMALL_GROUP, ReportFilters, add_months, cycles_for, percent

MONTHS = (6, 12, 24)
MENTEES, MENTORS, COMPARISON = "Mentees", "Mentors", "Comparison (non-participants)"
GROUPS = (MENTEES, MENTORS, COMPARISON)
ALL_DEPARTMENTS = "All departments"
BANDS = ((2, "under 2 years"), (5, "2–5 years"), (10, "5–10 years"), (20, "10–20 years"))
PERSON_FIELDS = ("id", "employee_id", "first_name", "last_name", "department_id", "department__name", "hire_date", "separated_on")


def tenure_band(hire_date: date | None, on: date) -> str:
    if hire_date is None:
        return "unknown"
    years = (on - hire_date).days / 365.25
    for limit, label in BANDS:
        if years < limit:
            return label
    return "20 years or more"


def employed_on(person: dict[str, Any], day: date) -> bool:
    hired, left = person["hire_date"], person["separated_on"]
    return (hired is None or hired <= day) and (left is None or left > day)


def still_employed(person: dict[str, Any], start: date, months: int, today: date) -> bool | None:
    horizon = add_months(start, months)
    if horizon > today:
        return None
    return person["separated_on"] is None or person["separated_on"] > horizon


@dataclass
class Member:
    cycle: Cycle
    group: str
    person: dict[str, Any]
    band: str
    employed: dict[int, bool | None]


def retention_members(
    *, filters: ReportFilters, programs: QuerySet[Program], today: date
) -> Iterator[Member]:
    """Every member of every cohort group, cohort by cohort. The comparison group is streamed."""
    cycles = list(cycles_for(filters=filters, programs=programs))
    if not cycles:
        return
    roles: dict[int, dict[str, set[int]]] = defaultdict(lambda: {MENTEES: set(), MENTORS: set()})
    for cycle_id, mentor_id, mentee_id in Mentorship.objects.filter(cycle__in=cycles).values_list(
        "cycle_id", "mentor_id", "mentee_id"
    ):
        roles[cycle_id][MENTORS].add(mentor_id)
        roles[cycle_id][MENTEES].add(mentee_id)
    ids = {pk for groups in roles.values() for members in groups.values() for pk in members}
    people_qs = Person.objects.filter(pk__in=ids)
    if filters.department_id:
        people_qs = people_qs.filter(department_id=filters.department_id)
    people = {p["id"]: p for p in people_qs.values(*PERSON_FIELDS)}

    never_paired = ~Exists(Mentorship.objects.filter(mentor=OuterRef("pk"))) & ~Exists(
        Mentorship.objects.filter(mentee=OuterRef("pk"))
    )
    for cycle in cycles:
        start = cycle.starts_on
        strata: set[tuple[int, str]] = set()
        for group in (MENTEES, MENTORS):
            chosen = [people[pk] for pk in roles[cycle.pk][group] if pk in people and employed_on(people[pk], start)]
            chosen.sort(key=lambda p: (p["department__name"], p["last_name"], p["first_name"], p["id"]))
            for person in chosen:
                band = tenure_band(person["hire_date"], start)
                if group == MENTEES:
                    strata.add((person["department_id"], band))
                yield Member(cycle, group, person, band, {m: still_employed(person, start, m, today) for m in MONTHS})
        if not strata:
            continue
        comparison = (
            Person.objects.filter(never_paired, department_id__in={d for d, _ in strata})
            .filter(Q(hire_date__isnull=True) | Q(hire_date__lte=start))
            .filter(Q(separated_on__isnull=True) | Q(separated_on__gt=start))
            .order_by("department__name", "last_name", "first_name", "id")
            .values(*PERSON_FIELDS)
        )
        for person in comparison.iterator(chunk_size=2000):
            band = tenure_band(person["hire_date"], start)
            if (person["department_id"], band) in strata:
                yield Member(cycle, COMPARISON, person, band, {m: still_employed(person, start, m, today) for m in MONTHS})


@dataclass
class RetentionRow:
    cycle: Cycle
    group: str
    department: str
    people: int = 0
    employed: dict[int, int] = field(default_factory=lambda: dict.fromkeys(MONTHS, 0))
    measurable: dict[int, bool] = field(default_factory=lambda: dict.fromkeys(MONTHS, False))

    @property
    def small(self) -> bool:
        return self.people < SMALL_GROUP

    def share(self, months: int) -> int | None:
        return percent(self.employed[months], self.people) if self.measurable[months] else None

    @property
    def figures(self) -> list[tuple[int, int | None, int | None]]:
        """(months, people still employed, percent) — both None when it cannot be told yet."""
        return [
            (m, self.employed[m] if self.measurable[m] else None, self.share(m)) for m in MONTHS
        ]


def retention_rows(*, filters: ReportFilters, programs: QuerySet[Program], today: date) -> list[RetentionRow]:
    """One row per cohort, group and department, each cohort and group led by an all-departments row."""
    rows: dict[tuple[int, str, str], RetentionRow] = {}
    cycles: dict[int, Cycle] = {}
    for member in retention_members(filters=filters, programs=programs, today=today):
        cycles[member.cycle.pk] = member.cycle
        for dept in (ALL_DEPARTMENTS, member.person["department__name"]):
            key = (member.cycle.pk, member.group, dept)
            row = rows.get(key) or rows.setdefault(key, RetentionRow(member.cycle, member.group, dept))
            row.people += 1
            for m, employed in member.employed.items():
                if employed is not None:
                    row.measurable[m] = True
                    row.employed[m] += int(employed)
    order = {cycle_id: i for i, cycle_id in enumerate(cycles)}
    return sorted(
        rows.values(),
        key=lambda r: (order[r.cycle.pk], GROUPS.index(r.group), r.department != ALL_DEPARTMENTS, r.department),
    )


@dataclass(frozen=True)
class Headline:
    """One group's retention pooled over every cohort that can be measured at `months`."""

    group: str
    months: int
    employed: int
    people: int

    @property
    def share(self) -> int | None:
        return percent(self.employed, self.people) if self.people else None


def headline_months(rows: list[RetentionRow], preferred: int = 12) -> int:
    """`preferred` months if any cohort can be measured then, else the longest span that can."""
    measurable = [m for m in MONTHS if any(r.measurable[m] for r in rows)]
    if preferred in measurable or not measurable:
        return preferred
    return max(measurable)


def retention_headlines(rows: list[RetentionRow], *, months: int = 12) -> list[Headline]:
    """Mentees, mentors and the comparison group at `months`, across the cohorts already there.

    Pooled from the all-departments rows, so each person counts once per cohort and group; a
    cohort too recent to measure at `months` is left out of every group alike.
    """
    totals = {group: [0, 0] for group in GROUPS}
    for row in rows:
        if row.department == ALL_DEPARTMENTS and row.measurable[months]:
            totals[row.group][0] += row.employed[months]
            totals[row.group][1] += row.people
    return [Headline(group, months, employed, people) for group, (employed, people) in totals.items()]


def retention_chart(rows: list[RetentionRow]) -> dict[str, Any]:
    """Retention curves by cohort, mentees against their comparison group, for the page's chart.

    Each curve starts at 100% on the cycle's first day; a point not yet measurable is null (the
    line stops there). Small groups are left out of the chart as they are marked in the table.
    """
    series = []
    for row in rows:
        if row.department != ALL_DEPARTMENTS or row.group == MENTORS or row.small:
            continue
        series.append(
            {
                "label": f"{row.cycle.name}: {'mentees' if row.group == MENTEES else 'comparison'}",
                "comparison": row.group == COMPARISON,
                "values": [100, *(row.share(m) for m in MONTHS)],
            }
        )
    return {"labels": ["Start", *(f"{m} months" for m in MONTHS)], "series": series}
