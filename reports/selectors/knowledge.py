"""Knowledge at risk: skills held at the top levels by people who can retire soon.

For a horizon H (a date), the people at risk are those still employed whose retirement-eligibility
date is on or before H (already eligible included). For each skill one of them holds at level
`min_level` or above, the report counts the other employed people (not at risk themselves) who
hold it at that level or above, and the mentees in an active pair with an active development
goal for that skill, and the flash conversations in the last year in which one of the holders at
risk talked about it with a colleague (knowledge being passed on outside the pairs). Skills nobody else holds and nobody is learning come first; then those nobody
else holds (fewest learners first), then the rest by how few others hold them; ties go to the
skill with more holders at risk, then the earliest eligibility.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from flash.models import FlashConversation
from profiles.models import DevelopmentGoal, GoalStatus, Person, PersonSkill
from programs.models import Mentorship

FLASH_WINDOW = timedelta(days=365)


@dataclass
class AtRiskHolder:
    person_id: int
    name: str
    department: str
    eligible_on: date
    level: int


SKILL_STATUSES = {
    "uncovered": "No one to carry it on",
    "learners_only": "Only learners",
    "covered": "Covered",
}


@dataclass
class SkillAtRisk:
    skill_id: int
    skill: str
    category: str
    holders: list[AtRiskHolder] = field(default_factory=list)
    others: int = 0
    learners: int = 0
    # Flash conversations held in the last year in which a holder at risk passed this skill on.
    flash_conversations: int = 0

    @property
    def unprotected(self) -> bool:
        return self.others == 0 and self.learners == 0

    @property
    def status(self) -> str:
        """One of SKILL_STATUSES: nobody else holds it and nobody learns it, only learners, or covered."""
        if self.unprotected:
            return "uncovered"
        return "learners_only" if self.others == 0 else "covered"

    @property
    def status_label(self) -> str:
        return SKILL_STATUSES[self.status]

    @property
    def earliest(self) -> date:
        return min(h.eligible_on for h in self.holders)

    @property
    def top_level(self) -> int:
        return max(h.level for h in self.holders)


@dataclass
class DepartmentRisk:
    """One department (agency) of the chart: its people at risk and the skills they leave."""

    department: str
    people: int
    uncovered: int  # skills one of its people at risk holds that nobody else holds or learns
    learners_only: int


@dataclass
class KnowledgeReport:
    horizon: date
    min_level: int
    skills: list[SkillAtRisk]
    people: list[dict[str, Any]]
    # Skills per status before any status filter: the report's headline figures.
    counts: dict[str, int] = field(default_factory=dict)
    status: str = ""
    # Per department, most exposed first (before any status filter): the report's chart.
    by_department: list[DepartmentRisk] = field(default_factory=list)


def knowledge_at_risk(
    *,
    horizon: date,
    min_level: int = 3,
    department_id: int | None = None,
    program_id: int | None = None,
    status: str = "",
) -> KnowledgeReport:
    """Five queries whatever the size of the organisation.

    `department_id` narrows who is at risk; `program_id` counts only learners paired in that program;
    `status` (a key of SKILL_STATUSES) keeps only the skills in that state.
    """
    at_risk = Person.objects.employed().filter(retirement_eligible_on__lte=horizon)
    if department_id:
        at_risk = at_risk.filter(department_id=department_id)
    holdings = (
        PersonSkill.objects.filter(person__in=at_risk, level__gte=min_level)
        .values(
            "skill_id", "skill__name", "skill__category__name", "level", "person_id", "person__first_name",
            "person__last_name", "person__department__name", "person__retirement_eligible_on",
        )
        .order_by("skill__name", "person__retirement_eligible_on", "person__last_name")
    )  # fmt: skip
    skills: dict[int, SkillAtRisk] = {}
    people: dict[int, dict[str, Any]] = {}
    for h in holdings:
        skill = skills.setdefault(h["skill_id"], SkillAtRisk(h["skill_id"], h["skill__name"], h["skill__category__name"]))
        name = f"{h['person__first_name']} {h['person__last_name']}".strip()
        holder = AtRiskHolder(h["person_id"], name, h["person__department__name"], h["person__retirement_eligible_on"], h["level"])
        skill.holders.append(holder)
        entry = people.setdefault(
            h["person_id"], {"name": name, "department": holder.department, "eligible_on": holder.eligible_on, "skills": []}
        )
        entry["skills"].append((h["skill__name"], h["level"]))
    if skills:
        # Anyone at risk anywhere (not only in the chosen department) is no safeguard for the skill.
        everyone_at_risk = Person.objects.employed().filter(retirement_eligible_on__lte=horizon)
        others = (
            PersonSkill.objects.filter(skill_id__in=skills, level__gte=min_level, person__separated_on__isnull=True)
            .exclude(person__in=everyone_at_risk)
            .values("skill_id")
            .annotate(n=Count("person_id", distinct=True))
        )
        for row in others:
            skills[row["skill_id"]].others = row["n"]
        pairs = Mentorship.objects.active().filter(mentee=OuterRef("person_id"))
        if program_id:
            pairs = pairs.filter(cycle__program_id=program_id)
        learners = (
            DevelopmentGoal.objects.filter(
                Exists(pairs), skill_id__in=skills, status=GoalStatus.ACTIVE, person__separated_on__isnull=True
            )
            .values("skill_id")
            .annotate(n=Count("person_id", distinct=True))
        )
        for row in learners:
            skills[row["skill_id"]].learners = row["n"]
        now = timezone.now()
        flashes = (
            FlashConversation.objects.filter(
                status=FlashConversation.Status.ACCEPTED, starts_at__lte=now, starts_at__gte=now - FLASH_WINDOW,
                skill_id__in=skills, expert__in=at_risk,
            )
            .values("skill_id")
            .annotate(n=Count("pk"))
        )
        for row in flashes:
            skills[row["skill_id"]].flash_conversations = row["n"]
    ordered = sorted(
        skills.values(),
        key=lambda s: (not s.unprotected, s.others, s.learners, -len(s.holders), s.earliest, s.skill.lower()),
    )
    people_rows = sorted(people.values(), key=lambda p: (p["eligible_on"], p["name"]))
    counts = {key: sum(1 for s in ordered if s.status == key) for key in SKILL_STATUSES}
    by_department = _by_department(ordered, people_rows)
    if status in SKILL_STATUSES:
        ordered = [s for s in ordered if s.status == status]
    return KnowledgeReport(
        horizon=horizon, min_level=min_level, skills=ordered, people=people_rows, counts=counts, status=status,
        by_department=by_department,
    )


def _by_department(skills: list[SkillAtRisk], people: list[dict[str, Any]]) -> list[DepartmentRisk]:
    """A skill counts for every department one of its holders at risk works in."""
    rows: dict[str, DepartmentRisk] = {}

    def row(name: str) -> DepartmentRisk:
        return rows.setdefault(name or "No department", DepartmentRisk(name or "No department", 0, 0, 0))

    for person in people:
        row(person["department"]).people += 1
    for skill in skills:
        if skill.status == "covered":
            continue
        for department in {h.department for h in skill.holders}:
            if skill.status == "uncovered":
                row(department).uncovered += 1
            else:
                row(department).learners_only += 1
    return sorted(rows.values(), key=lambda r: (-r.uncovered, -r.learners_only, -r.people, r.department))
