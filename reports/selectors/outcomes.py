"""Program outcomes over the chosen cycles: who took part, how many pairs completed, goals met.

- Participation counts distinct people: applicants (any application), mentees and mentors (in at
  least one pair), by their current department and grade.
- Completion rate: completed pairs out of pairs that have finished (completed or ended early);
  pairs still active are not counted either way.
- Goals met: development goals named in the pairs' agreements that are achieved, out of all of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from programs.models import Agreement, Enrollment, Mentorship, Program
from reports.selectors.scope import SMALL_GROUP, ReportFilters, cycles_for, percent
from reports.selectors.surveys import SurveyHeadline, survey_headlines

NO_VALUE = "(none recorded)"


@dataclass
class ParticipationRow:
    group: str
    applicants: int = 0
    mentees: int = 0
    mentors: int = 0

    @property
    def small(self) -> bool:
        return max(self.applicants, self.mentees, self.mentors) < SMALL_GROUP


@dataclass
class Outcomes:
    cycles: list[Any]
    by_department: list[ParticipationRow]
    by_grade: list[ParticipationRow]
    pairs: dict[str, int] = field(default_factory=dict)
    goals: dict[str, int] = field(default_factory=dict)
    surveys: list[SurveyHeadline] | None = None

    @property
    def completed(self) -> int:
        return self.pairs.get("completed", 0)

    @property
    def finished(self) -> int:
        return self.completed + self.pairs.get("ended", 0)

    @property
    def completion_rate(self) -> int | None:
        return percent(self.completed, self.finished)

    @property
    def goals_met_rate(self) -> int | None:
        return percent(self.goals.get("achieved", 0), self.goals.get("total", 0))


def _participation(records: list[tuple[str, int, str, str]], key: int) -> list[ParticipationRow]:
    people: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for role, person_id, *labels in records:
        people[labels[key] or NO_VALUE][role].add(person_id)
    rows = [
        ParticipationRow(group, len(by_role["applicants"]), len(by_role["mentees"]), len(by_role["mentors"]))
        for group, by_role in people.items()
    ]
    return sorted(rows, key=lambda r: (r.group == NO_VALUE, r.group.lower()))


def program_outcomes(*, filters: ReportFilters, programs: QuerySet[Program]) -> Outcomes:
    cycles = list(cycles_for(filters=filters, programs=programs))
    enrollments = Enrollment.objects.filter(cycle__in=cycles)
    pairs = Mentorship.objects.filter(cycle__in=cycles)
    if filters.department_id:
        enrollments = enrollments.filter(person__department_id=filters.department_id)
        pairs = pairs.filter(mentee__department_id=filters.department_id)

    records: list[tuple[str, int, str, str]] = [
        ("applicants", pid, dept, grade)
        for pid, dept, grade in enrollments.values_list("person_id", "person__department__name", "person__grade")
    ]
    pair_people = Mentorship.objects.filter(cycle__in=cycles).values_list(
        "mentee_id", "mentee__department_id", "mentee__department__name", "mentee__grade",
        "mentor_id", "mentor__department_id", "mentor__department__name", "mentor__grade",
    )  # fmt: skip
    for mentee, mentee_dept_id, mentee_dept, mentee_grade, mentor, mentor_dept_id, mentor_dept, mentor_grade in pair_people:
        if not filters.department_id or mentee_dept_id == filters.department_id:
            records.append(("mentees", mentee, mentee_dept, mentee_grade))
        if not filters.department_id or mentor_dept_id == filters.department_id:
            records.append(("mentors", mentor, mentor_dept, mentor_grade))

    status_counts = {row["status"]: row["n"] for row in pairs.values("status").annotate(n=Count("id")).order_by()}
    goal_links = Agreement.goals.through.objects.filter(agreement__mentorship__in=pairs)
    goal_counts = {
        row["developmentgoal__status"]: row["n"]
        for row in goal_links.values("developmentgoal__status").annotate(n=Count("id")).order_by()
    }
    return Outcomes(
        cycles=cycles,
        by_department=_participation(records, 0),
        by_grade=_participation(records, 1),
        pairs={**status_counts, "total": sum(status_counts.values())},
        goals={"achieved": goal_counts.get("achieved", 0), "total": sum(goal_counts.values())},
        surveys=survey_headlines(cycle_ids=[c.pk for c in cycles]),
    )


def outcome_rows(outcomes: Outcomes) -> list[tuple[str, str, str, int | None, int | None, int | None]]:
    """The report as flat rows (section, group, measure, count, out of, percent) for export."""
    rows: list[tuple[str, str, str, int | None, int | None, int | None]] = []
    for section, table in (("Participation by department", outcomes.by_department), ("Participation by grade", outcomes.by_grade)):
        for r in table:
            for measure, value in (("Applicants", r.applicants), ("Mentees", r.mentees), ("Mentors", r.mentors)):
                rows.append((section, r.group, measure, value, None, None))
    finished = outcomes.pairs.get("completed", 0) + outcomes.pairs.get("ended", 0)
    rows.append(("Pairs", "All", "Completed", outcomes.pairs.get("completed", 0), finished, outcomes.completion_rate))
    rows.append(("Pairs", "All", "Ended early", outcomes.pairs.get("ended", 0), finished, None))
    rows.append(("Pairs", "All", "Still active", outcomes.pairs.get("active", 0), outcomes.pairs.get("total", 0), None))
    rows.append(("Goals", "All", "Met", outcomes.goals["achieved"], outcomes.goals["total"], outcomes.goals_met_rate))
    for headline in outcomes.surveys or []:
        rows.append(("Surveys", "All", f"{headline.label}: {headline.value}", None, None, None))
    return rows
