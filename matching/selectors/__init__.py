"""Reads for the matching pages. Each page's queries are a fixed number whatever the data size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from circles.models import Circle, CircleProposal
from matching.models import MatchBan, MatchProposal, MatchRun, MenteeChoice
from profiles.models import Department, DevelopmentGoal, GoalStatus, Person, PersonSkill
from programs.models import Cycle, Enrollment, Mentorship
from programs.selectors.access import coordinated_cycles, person_of

COMPONENT_LABELS = {
    "skill": "Skills for the mentee's goals",
    "knowledge_transfer": "Knowledge transfer from a retirement-eligible mentor",
    "mentor_skill": "Skills the mentor most wants to teach",
    "cross_department": "Different departments",
    "location": "Same location",
    "timezone": "Close time zones",
    "format": "A shared meeting format",
    "mentor_department": "A department the mentor asked for",
    "choice": "The mentee's own ranking",
    "met_wish": "They met at speed rounds and want to work together",
}
RULE_LABELS = {
    "self": "same person",
    "reporting_chain": "same reporting chain",
    "ban": "banned by a coordinator",
    "prior_pair": "paired in an earlier cycle",
    "grade": "mentor below the mentee's grade",
}
UNMATCHED_LABELS = {
    "no_allowed_mentor": "Every mentor is ruled out by a hard rule.",
    "below_min_score": "Every allowed mentor teaches none of the goals, or scores below the minimum.",
    "full": "Every allowed mentor is full with a pair that scores higher overall.",
    "no_gain": "An allowed mentor has a free place, but the pair scores nothing: it would not raise the total.",
    "free_place": "An allowed mentor has a free place that this mode did not use.",
    "capacity": "The best mentors for this mentee went to others.",  # runs made before the certificate
    "rejected": "You rejected this mentee's pair.",
}
SORTS = {
    "score": "Score, highest first",
    "-score": "Score, lowest first",
    "mentee": "Mentee name",
    "department": "Mentee department",
}
SHOW = {"all": "Pairs and unmatched mentees", "pairs": "Pairs only", "unmatched": "Unmatched mentees only"}


# ---------------------------------------------------------------- access


def cycle_for_coordinator(user: Any, pk: int) -> Cycle:
    return get_object_or_404(coordinated_cycles(user).select_related("program"), pk=pk)


def mentorship_for_coordinator(user: Any, pk: int) -> Mentorship:
    return get_object_or_404(
        Mentorship.objects.select_related("cycle__program", "mentor", "mentee").filter(
            cycle__in=coordinated_cycles(user)
        ),
        pk=pk,
    )


def ready_mentee(cycle: Cycle, person_id: Any) -> tuple[Person, Mentorship | None] | None:
    """The mentee named by the matching page's ?ready= (after a rematch), if they are waiting for
    a mentor in this cycle: an approved mentee with no active pair. With the pair that closed."""
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        return None
    person = (
        Person.objects.filter(
            pk=pk, separated_on__isnull=True, enrollments__cycle=cycle, enrollments__role=Enrollment.Role.MENTEE,
            enrollments__status=Enrollment.Status.APPROVED,
        )
        .exclude(mentorships_as_mentee__cycle=cycle, mentorships_as_mentee__status=Mentorship.Status.ACTIVE)
        .first()
    )
    if person is None:
        return None
    last = (
        Mentorship.objects.filter(cycle=cycle, mentee=person).select_related("mentor").order_by("-ended_on", "-pk").first()
    )
    return person, last


def run_for_coordinator(user: Any, pk: int) -> MatchRun:
    return get_object_or_404(
        MatchRun.objects.select_related("cycle__program", "started_by", "published_by").filter(
            cycle__in=coordinated_cycles(user)
        ),
        pk=pk,
    )


# ---------------------------------------------------------------- explanation display


def explanation_rows(explanation: dict[str, Any]) -> list[tuple[str, float]]:
    return [(COMPONENT_LABELS.get(k, k), v) for k, v in explanation.get("components", {}).items() if v]


@dataclass
class ProposalRow:
    proposal: MatchProposal
    components: list[tuple[str, float]]
    goals: list[dict[str, Any]]
    removed: list[dict[str, Any]]


@dataclass
class UnmatchedRow:
    mentee: Person
    reason: str
    detail: str


@dataclass
class ReviewPage:
    run: MatchRun
    rows: list[ProposalRow]
    unmatched: list[UnmatchedRow]
    departments: list[Department]
    live: list[MatchProposal]
    mentors: list[Person]
    proposals: list[MatchProposal]  # every proposal of the run, rejected ones included
    mentees: list[Person]
    other_runs: list[MatchRun]
    counts: dict[str, int] = field(default_factory=dict)
    page_obj: Any = None
    seats: list[ProposalRow] = field(default_factory=list)  # one page of the run's circle seats (rejected included)
    seats_obj: Any = None
    live_seats: list[CircleProposal] = field(default_factory=list)
    circles: list[Circle] = field(default_factory=list)  # the cycle's circles (for "why not this circle?")


PER_PAGE = 50


def review_page(
    *, run: MatchRun, sort: str = "score", department: int | None = None, show: str = "all", page: int | str = 1,
    seats_page: int | str = 1,
) -> ReviewPage:
    """Everything the review page shows, in a fixed number of queries whatever the number of
    proposals. Rows are paged (PER_PAGE); counts, forms and unmatched mentees cover the whole run."""
    proposals = list(run.proposals.select_related("mentor__department", "mentee__department").order_by("pk"))
    live = [p for p in proposals if p.status != MatchProposal.Status.REJECTED]
    seats = list(run.circle_proposals.select_related("circle", "mentee__department").order_by("circle__topic", "pk"))
    live_seats = [p for p in seats if p.status != CircleProposal.Status.REJECTED]
    paired = {p.mentee_id for p in live} | {p.mentee_id for p in live_seats}  # a pair or a seat
    reasons: dict[int, tuple[str, list]] = {}
    for u in run.unmatched:
        if u["mentee_id"] not in paired:
            reasons[u["mentee_id"]] = (u["reason"], u.get("taken", []))
    for p in [*proposals, *seats]:
        if p.status == MatchProposal.Status.REJECTED and p.mentee_id not in paired:
            reasons.setdefault(p.mentee_id, ("rejected", []))
    known = {p.mentee_id: p.mentee for p in [*proposals, *seats]}
    missing = [pk for pk in reasons if pk not in known]
    if missing:
        known.update({p.pk: p for p in Person.objects.filter(pk__in=missing).select_related("department")})
    mentors = list(
        Person.objects.filter(
            enrollments__cycle_id=run.cycle_id,
            enrollments__role=Enrollment.Role.MENTOR,
            enrollments__status=Enrollment.Status.APPROVED,
            separated_on__isnull=True,
        ).order_by("last_name", "first_name", "pk")
    )
    names = {m.pk: m.full_name for m in mentors}
    names.update({p.mentor_id: p.mentor.full_name for p in proposals})
    names.update({pk: m.full_name for pk, m in known.items()})
    circles = list(Circle.objects.filter(cycle_id=run.cycle_id).order_by("topic", "pk"))
    names.update({f"circle:{c.pk}": f"the circle “{c.topic}”" for c in circles})
    unmatched = [
        UnmatchedRow(mentee=known[pk], reason=UNMATCHED_LABELS.get(r, r), detail=_taken_text(taken, names))
        for pk, (r, taken) in reasons.items()
        if pk in known
    ]
    departments = sorted(
        {p.mentee.department for p in live} | {u.mentee.department for u in unmatched}, key=lambda d: d.name
    )
    if department:
        live_shown = [p for p in live if p.mentee.department_id == department]
        unmatched = [u for u in unmatched if u.mentee.department_id == department]
    else:
        live_shown = live
    key = {
        "score": lambda p: (-p.score, p.pk),
        "-score": lambda p: (p.score, p.pk),
        "mentee": lambda p: (p.mentee.last_name, p.mentee.first_name, p.pk),
        "department": lambda p: (p.mentee.department.name, -p.score, p.pk),
    }.get(sort, lambda p: (-p.score, p.pk))
    live_shown = sorted(live_shown, key=key)
    unmatched.sort(key=lambda u: (u.mentee.last_name, u.mentee.first_name))
    paginator = Paginator(live_shown, PER_PAGE)
    page_obj = paginator.get_page(page)
    rows = [
        ProposalRow(
            proposal=p,
            components=explanation_rows(p.explanation),
            goals=p.explanation.get("goals", []),
            removed=[
                {**r, "rules": [RULE_LABELS.get(x, x) for x in r.get("rules", [])]}
                for r in p.explanation.get("removed", [])
            ],
        )
        for p in page_obj.object_list
    ]
    if show == "unmatched":
        rows = []
    elif show == "pairs":
        unmatched = []
    seats_obj = Paginator(seats, PER_PAGE).get_page(seats_page)
    seat_rows = [
        ProposalRow(proposal=p, components=explanation_rows(p.explanation), goals=p.explanation.get("goals", []),
                    removed=[])
        for p in seats_obj.object_list
    ]
    everyone = {p.mentee_id: p.mentee for p in [*live, *live_seats]}
    everyone.update({pk: known[pk] for pk in reasons if pk in known})
    mentees = sorted(everyone.values(), key=lambda m: (m.last_name, m.first_name, m.pk))
    other_runs = list(
        MatchRun.objects.filter(cycle_id=run.cycle_id, status=MatchRun.Status.DONE).exclude(pk=run.pk).order_by("-pk")
    )
    counts = {
        "live": len(live),
        "locked": sum(1 for p in live if p.status == MatchProposal.Status.LOCKED),
        "rejected": len(proposals) - len(live),
        "unmatched": len(reasons),
        "seats": len(live_seats),
    }
    return ReviewPage(
        run=run,
        rows=rows,
        unmatched=unmatched,
        departments=departments,
        live=sorted(live, key=lambda p: (p.mentee.last_name, p.mentee.first_name, p.pk)),
        mentors=mentors,
        mentees=mentees,
        other_runs=other_runs,
        proposals=proposals,
        counts=counts,
        page_obj=page_obj,
        seats=seat_rows,
        seats_obj=seats_obj,
        live_seats=live_seats,
        circles=circles,
    )


def _taken_text(taken: list, names: dict[int, str]) -> str:
    """The engine's 'best mentors went to others' in names (as it was when the run was made)."""
    parts = []
    for mentor_id, mentees in taken:
        who = ", ".join(names.get(m, "another mentee") for m in mentees)
        parts.append(f"{names.get(mentor_id, 'a mentor')} (taken by {who})" if who else
                     f"{names.get(mentor_id, 'a mentor')} (had room, but this pair did not raise the total)")
    return "; ".join(parts)


# ---------------------------------------------------------------- cycle matching home


def cycle_runs(cycle: Cycle) -> QuerySet[MatchRun]:
    return MatchRun.objects.filter(cycle=cycle).select_related("started_by", "published_by").order_by("-pk")


def cycle_bans(cycle: Cycle) -> QuerySet[MatchBan]:
    return MatchBan.objects.filter(cycle=cycle).select_related("mentor", "mentee", "created_by")


def cycle_counts(cycle: Cycle) -> dict[str, int]:
    return Enrollment.objects.filter(cycle=cycle, status=Enrollment.Status.APPROVED).aggregate(
        mentors=Count("pk", filter=Q(role=Enrollment.Role.MENTOR)),
        mentees=Count("pk", filter=Q(role=Enrollment.Role.MENTEE)),
    )


def cycle_choice_counts(cycle: Cycle) -> dict[str, int]:
    """How far mentee choice has gone: mentees who ranked, and the mentors' answers. One query."""
    return MenteeChoice.objects.filter(cycle=cycle).aggregate(
        mentees=Count("mentee", distinct=True, filter=~Q(status=MenteeChoice.Status.DECLINED)),
        pending=Count("pk", filter=Q(status=MenteeChoice.Status.PENDING)),
        accepted=Count("pk", filter=Q(status=MenteeChoice.Status.ACCEPTED)),
        declined=Count("pk", filter=Q(status=MenteeChoice.Status.DECLINED)),
    )


# ---------------------------------------------------------------- coverage


@dataclass
class CoverageRow:
    skill: str
    category: str
    goals: int
    mentees: int
    best_level: int  # best level among mentors who will teach it (0: nobody)
    targets: list[int]


def coverage_gaps(cycle: Cycle) -> list[CoverageRow]:
    """Active IDP goals of approved mentees that no available mentor can teach, by skill. Two queries."""
    goals = (
        DevelopmentGoal.objects.filter(
            person__enrollments__cycle=cycle,
            person__enrollments__role=Enrollment.Role.MENTEE,
            person__enrollments__status=Enrollment.Status.APPROVED,
            person__separated_on__isnull=True,
            status=GoalStatus.ACTIVE,
            skill__isnull=False,
        )
        .select_related("skill__category")
        .distinct()
    )
    teachers: dict[int, list[tuple[int, int]]] = defaultdict(list)  # skill -> [(level, person)]
    for skill_id, level, person_id in PersonSkill.objects.filter(
        will_teach=True,
        person__enrollments__cycle=cycle,
        person__enrollments__role=Enrollment.Role.MENTOR,
        person__enrollments__status=Enrollment.Status.APPROVED,
        person__separated_on__isnull=True,
    ).values_list("skill_id", "level", "person_id"):
        teachers[skill_id].append((level, person_id))
    rows: dict[int, CoverageRow] = {}
    people: dict[int, set[int]] = defaultdict(set)
    for goal in goals:
        target = goal.target_level or 2
        able = [lvl for lvl, pk in teachers.get(goal.skill_id, []) if pk != goal.person_id]
        if any(lvl >= target for lvl in able):
            continue
        row = rows.setdefault(
            goal.skill_id,
            CoverageRow(goal.skill.name, goal.skill.category.name, 0, 0, max(able, default=0), []),
        )
        row.goals += 1
        row.targets.append(target)
        people[goal.skill_id].add(goal.person_id)
    for skill_id, row in rows.items():
        row.mentees = len(people[skill_id])
        row.targets = sorted(set(row.targets))
    return sorted(rows.values(), key=lambda r: (-r.goals, r.skill))


# ---------------------------------------------------------------- participants


def choice_cycles_for(user: Any) -> QuerySet[Cycle]:
    """Cycles with mentee choice on where this user is an approved mentee."""
    person = person_of(user)
    if person is None:
        return Cycle.objects.none()
    return Cycle.objects.filter(
        mentee_choice=True,
        enrollments__person=person,
        enrollments__role=Enrollment.Role.MENTEE,
        enrollments__status=Enrollment.Status.APPROVED,
    ).select_related("program")


def requests_for_mentor(person: Person) -> QuerySet[MenteeChoice]:
    return (
        MenteeChoice.objects.filter(mentor=person, cycle__mentee_choice=True)
        .select_related("cycle__program", "mentee__department")
        .order_by("status", "cycle_id", "rank", "pk")
    )
