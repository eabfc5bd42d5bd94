"""Reads of the circles app shared by its pages, the cycle overview, the dashboard and the feeds.

Every read takes a fixed number of queries whatever the number of circles, members or sessions.

A circle's **health** (one definition, used by the cycle's circles page, the overview and the
dashboard): a running circle is *at risk* when it is quiet (no session held or booked since
PAIR_AT_RISK_WEEKS ago: the pairs' rule, programs.selectors.health), when fewer mentees are seated
than its minimum size, or when fewer than half of the expected attendances of its held sessions
were present (ATTENDANCE_FLOOR).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from circles.models import Circle, CircleApplication, CircleAttendance, CircleMember, CircleNote, CircleSession
from profiles.models import DevelopmentGoal, GoalStatus, Person
from programs.models import Cycle, Enrollment
from programs.selectors.access import coordinated_programs, person_of
from programs.selectors.health import quiet_cutoff

ATTENDANCE_FLOOR = 0.5


def circles_visible_to(user) -> QuerySet[Circle]:
    """Circles the user is a current member of, and every circle of the programs they coordinate."""
    return Circle.objects.visible_to(person=person_of(user), coordinated_program_ids=coordinated_programs(user))


@dataclass
class CircleFigures:
    circle: Circle
    mentors: list[Person]
    mentees: int
    sessions_held: int
    sessions_ahead: int
    attendance_rate: float | None  # present / (recorded attendances) over held sessions; None: none recorded
    last_contact: datetime | None
    reasons: list[str] = field(default_factory=list)  # why at risk (empty: healthy)

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)

    @property
    def seats_left(self) -> int:
        return max(self.circle.max_size - self.mentees, 0)


def _health(c: CircleFigures, *, today: date) -> list[str]:
    if c.circle.ended_on is not None:
        return []
    reasons = []
    cutoff = quiet_cutoff(today)
    started = max(c.circle.cycle.starts_on, timezone.localdate(c.circle.created_at))
    last = timezone.localdate(c.last_contact) if c.last_contact else None
    if (last is None and started <= cutoff) or (last is not None and last <= cutoff and c.sessions_ahead == 0):
        reasons.append("no session held or booked for weeks")
    if c.mentees < c.circle.min_size:
        reasons.append(f"{c.mentees} of at least {c.circle.min_size} mentees")
    if c.attendance_rate is not None and c.attendance_rate < ATTENDANCE_FLOOR:
        reasons.append(f"attendance {c.attendance_rate:.0%}")
    return reasons


def cycle_circles(*, cycle: Cycle | None = None, cycles=None, now: datetime | None = None) -> list[CircleFigures]:
    """Each circle of a cycle (or of several) with its figures and health. Four queries."""
    now = now or timezone.now()
    qs = Circle.objects.select_related("cycle").prefetch_related(
        "skills",
        Prefetch(
            "members",
            queryset=CircleMember.objects.filter(left_on__isnull=True).select_related("person"),
            to_attr="current",
        ),
    )
    qs = qs.filter(cycle=cycle) if cycle is not None else qs.filter(cycle__in=cycles)
    circles = list(qs.order_by("cycle_id", "topic", "pk"))
    ids = [c.pk for c in circles]
    sessions: dict[int, dict] = defaultdict(lambda: {"held": 0, "ahead": 0, "last": None})
    for circle_id, status, at in (
        CircleSession.objects.filter(circle_id__in=ids)
        .exclude(status=CircleSession.Status.CANCELLED)
        .values_list("circle_id", "status", "scheduled_at")
    ):
        row = sessions[circle_id]
        if at > now:
            row["ahead"] += 1
        elif status == CircleSession.Status.HELD:
            row["held"] += 1
        if at <= now or status == CircleSession.Status.SCHEDULED:
            row["last"] = at if row["last"] is None or at > row["last"] else row["last"]
    attendance = {
        r["session__circle_id"]: r
        for r in CircleAttendance.objects.filter(session__circle_id__in=ids, session__status=CircleSession.Status.HELD)
        .values("session__circle_id")
        .annotate(total=Count("pk"), present=Count("pk", filter=Q(present=True)))
    }
    out = []
    today = timezone.localdate(now)
    for circle in circles:
        s = sessions[circle.pk]
        a = attendance.get(circle.pk)
        fig = CircleFigures(
            circle=circle,
            mentors=[m.person for m in circle.current if m.role == CircleMember.Role.MENTOR],
            mentees=sum(1 for m in circle.current if m.role == CircleMember.Role.MENTEE),
            sessions_held=s["held"],
            sessions_ahead=s["ahead"],
            attendance_rate=(a["present"] / a["total"]) if a and a["total"] else None,
            last_contact=s["last"],
        )
        fig.reasons = _health(fig, today=today)
        out.append(fig)
    return out


@dataclass
class CirclesSummary:
    circles: int
    at_risk: int
    mentees: int
    attendance_rate: float | None
    sessions_held: int


def summary(figures: list[CircleFigures]) -> CirclesSummary:
    present = total = 0
    for f in figures:
        if f.attendance_rate is not None:
            n = f.sessions_held * max(f.mentees + len(f.mentors), 1)
            present += f.attendance_rate * n
            total += n
    return CirclesSummary(
        circles=len(figures),
        at_risk=sum(f.at_risk for f in figures),
        mentees=sum(f.mentees for f in figures),
        attendance_rate=(present / total) if total else None,
        sessions_held=sum(f.sessions_held for f in figures),
    )


@dataclass
class MemberProgress:
    member: CircleMember
    goals: list[DevelopmentGoal]
    attended: int
    recorded: int


@dataclass
class CirclePage:
    circle: Circle
    mentors: list[CircleMember]
    mentees: list[CircleMember]
    sessions: list[CircleSession]
    attendance: dict[int, dict[int, bool]]  # session -> person -> present
    notes: list[CircleNote] | None  # None: the viewer is not a member (coordinators do not read notes)
    progress: list[MemberProgress]
    role: str | None  # the viewer's role in the circle ("mentor", "mentee") or None
    coordinates: bool
    application: CircleApplication | None
    pending: list[CircleApplication]


def circle_page(*, circle: Circle, user, now: datetime | None = None) -> CirclePage:
    """Everything the circle page shows, for this viewer. Seven queries."""
    person = person_of(user)
    members = list(
        circle.members.filter(left_on__isnull=True)
        .select_related("person")
        .order_by("role", "person__last_name", "person__first_name", "pk")
    )
    role = next((m.role for m in members if person is not None and m.person_id == person.pk), None)
    coordinates = coordinated_programs(user).filter(pk=circle.cycle.program_id).exists()
    sessions = list(circle.sessions.all().order_by("scheduled_at", "pk"))
    attendance: dict[int, dict[int, bool]] = defaultdict(dict)
    for session_id, person_id, present in CircleAttendance.objects.filter(session__circle=circle).values_list(
        "session_id", "person_id", "present"
    ):
        attendance[session_id][person_id] = present
    skill_ids = list(circle.skills.values_list("pk", flat=True))
    mentees = [m for m in members if m.role == CircleMember.Role.MENTEE]
    goals: dict[int, list[DevelopmentGoal]] = defaultdict(list)
    for goal in (
        DevelopmentGoal.objects.filter(person_id__in=[m.person_id for m in mentees], skill_id__in=skill_ids)
        .exclude(status=GoalStatus.DROPPED)
        .select_related("skill")
        .order_by("priority", "pk")
    ):
        goals[goal.person_id].append(goal)
    held = [s.pk for s in sessions if s.status == CircleSession.Status.HELD]
    progress = []
    for m in mentees:
        marks = [attendance[s].get(m.person_id) for s in held if m.person_id in attendance[s]]
        progress.append(
            MemberProgress(
                member=m, goals=goals.get(m.person_id, []), attended=sum(bool(x) for x in marks), recorded=len(marks)
            )
        )
    notes = list(circle.notes.select_related("author")[:100]) if role else None
    application = None
    if person is not None and role is None:
        application = CircleApplication.objects.filter(circle=circle, person=person).first()
    pending = (
        list(circle.applications.filter(status=CircleApplication.Status.PENDING).select_related("person"))
        if coordinates
        else []
    )
    return CirclePage(
        circle=circle,
        mentors=[m for m in members if m.role == CircleMember.Role.MENTOR],
        mentees=mentees,
        sessions=sessions,
        attendance=dict(attendance),
        notes=notes,
        progress=progress,
        role=role,
        coordinates=coordinates,
        application=application,
        pending=pending,
    )


def circles_of(person: Person) -> list[Circle]:
    """The circles a person is a current member of, with their cycle. One query."""
    return list(
        Circle.objects.filter(members__person=person, members__left_on__isnull=True)
        .select_related("cycle__program")
        .distinct()
        .order_by("topic", "pk")
    )


def open_circles_for(person: Person) -> list[tuple[Circle, list[str]]]:
    """Circles a mentee may apply to: open circles of cycles where they are an approved mentee,
    not ended, not already theirs; each with the skills of the mentee's IDP goals it works on
    (the circles that fit their goals first). Three queries."""
    cycles = Enrollment.objects.filter(
        person=person, role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED
    ).values("cycle_id")
    circles = list(
        Circle.objects.filter(cycle_id__in=cycles, open_for_applications=True, ended_on__isnull=True)
        .exclude(members__person=person, members__left_on__isnull=True)
        .select_related("cycle")
        .prefetch_related("skills")
        .order_by("topic", "pk")
    )
    wanted = set(
        DevelopmentGoal.objects.filter(person=person, status=GoalStatus.ACTIVE, skill__isnull=False).values_list(
            "skill_id", flat=True
        )
    )
    rows = [(c, [s.name for s in c.skills.all() if s.pk in wanted]) for c in circles]
    rows.sort(key=lambda r: (not r[1], r[0].topic.lower(), r[0].pk))
    return rows


def feed_sessions(person: Person, since: datetime) -> list[CircleSession]:
    """Sessions of the circles a person is a current member of, for their calendar feed. One query."""
    return list(
        CircleSession.objects.filter(
            circle__members__person=person, circle__members__left_on__isnull=True, scheduled_at__gte=since
        )
        .select_related("circle")
        .order_by("scheduled_at", "pk")
        .distinct()
    )


def circle_member_ids(circle_ids) -> set[int]:
    """Person ids of the current members (mentors and mentees) of these circles. One query."""
    return set(
        CircleMember.objects.filter(circle_id__in=circle_ids, left_on__isnull=True).values_list("person_id", flat=True)
    )
