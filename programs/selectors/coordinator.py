"""Reads behind the coordinator pages. Each returns a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from profiles.models import DevelopmentGoal, PersonSkill
from programs.models import (
    RSVP,
    Cycle,
    Enrollment,
    Event,
    HelpReply,
    HelpRequest,
    Meeting,
    Mentorship,
    PairFlag,
    Program,
)
from programs.selectors import health
from programs.selectors.access import coordinated_programs


def _upcoming_events(outer: str) -> QuerySet[Event]:
    return Event.objects.filter(
        **{outer: OuterRef("pk")}, cancelled_at__isnull=True, starts_at__gte=timezone.now()
    ).order_by("starts_at")


def cycles_with_counts(queryset: QuerySet[Cycle]) -> QuerySet[Cycle]:
    """Cycles annotated with the figures the home page shows, as subqueries (no join fan-out)."""
    pending = Enrollment.objects.filter(cycle=OuterRef("pk"), status=Enrollment.Status.PENDING)
    active = Mentorship.objects.filter(cycle=OuterRef("pk"), status=Mentorship.Status.ACTIVE)
    at_risk = Mentorship.objects.filter(cycle=OuterRef("pk")).filter(health.at_risk_q())
    next_event = _upcoming_events("cycle")

    def count(qs: QuerySet) -> Subquery:
        return Subquery(qs.order_by().values("cycle").annotate(n=Count("pk")).values("n")[:1])

    return queryset.annotate(
        pending_count=count(pending),
        active_pairs=count(active),
        at_risk_pairs=count(at_risk),
        next_event_title=Subquery(next_event.values("title")[:1]),
        next_event_at=Subquery(next_event.values("starts_at")[:1]),
    )


def coordinator_home(*, user: Any) -> list[Program]:
    """The programs this user coordinates, each with its cycles (newest first) and counts."""
    cycles = cycles_with_counts(Cycle.objects.order_by("-starts_on"))
    next_event = _upcoming_events("program")
    return list(
        coordinated_programs(user)
        .select_related("department")
        .annotate(
            next_event_title=Subquery(next_event.values("title")[:1]),
            next_event_at=Subquery(next_event.values("starts_at")[:1]),
        )
        .prefetch_related(Prefetch("cycles", queryset=cycles), "coordinators")
        .order_by("name")
    )


@dataclass
class Funnel:
    """Applications by role and status: funnel.rows is [(role label, {status: count}, total)]."""

    rows: list[tuple[str, dict[str, int], int]]


def cycle_funnel(*, cycle: Cycle) -> Funnel:
    counts: dict[tuple[str, str], int] = {
        (row["role"], row["status"]): row["n"]
        for row in Enrollment.objects.filter(cycle=cycle).values("role", "status").annotate(n=Count("pk")).order_by()
    }
    rows = []
    for role, label in Enrollment.Role.choices:
        by_status = {status: counts.get((role, status), 0) for status in Enrollment.Status.values}
        rows.append((label, by_status, sum(by_status.values())))
    return Funnel(rows=rows)


def cycle_pairs(*, cycle: Cycle, status: str = "", at_risk_only: bool = False) -> QuerySet[Mentorship]:
    """A cycle's pairs with their meeting figures and why each is at risk (health.with_risk);
    `status` (unknown values ignored) and `at_risk_only` narrow them as the list's filters do."""
    pairs = Mentorship.objects.filter(cycle=cycle)
    if status in Mentorship.Status.values:
        pairs = pairs.filter(status=status)
    if at_risk_only:
        pairs = pairs.filter(health.at_risk_q())
    # The held-meeting figures are subqueries: with_risk's own aggregate would otherwise join
    # meetings a second time and multiply the counts.
    held_meetings = Meeting.objects.filter(mentorship=OuterRef("pk"), status=Meeting.Status.HELD).order_by()
    return (
        health.with_risk(pairs.select_related("mentor__department", "mentee__department"))
        .annotate(
            meeting_count=Coalesce(
                Subquery(held_meetings.values("mentorship").annotate(n=Count("pk")).values("n")[:1]), Value(0)
            ),
            last_meeting=Subquery(held_meetings.order_by("-scheduled_at").values("scheduled_at")[:1]),
        )
        .order_by("status", "mentor__last_name", "mentee__last_name")
    )


def events_with_rsvp_counts(queryset: QuerySet[Event]) -> QuerySet[Event]:
    return queryset.select_related("cycle").annotate(
        going=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.GOING)),
        guests=Coalesce(Sum("rsvps__guests", filter=Q(rsvps__status=RSVP.Status.GOING)), Value(0)),
        waitlisted=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.WAITLIST)),
        not_going=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.NOT_GOING)),
        attended_count=Count("rsvps", filter=Q(rsvps__attended=True)),
    )


# The help page's status filter: open (the default, oldest first), resolved (latest first), all.
HELP_STATUSES = ("open", "resolved", "all")


def _by_status(queryset: QuerySet, status: str, oldest: str) -> QuerySet:
    if status == "resolved":
        return queryset.filter(resolved_at__isnull=False).order_by("-resolved_at")
    if status == "all":
        return queryset.order_by(f"-{oldest}")
    return queryset.filter(resolved_at__isnull=True).order_by(oldest)


def help_requests(*, cycle: Cycle, status: str = "open") -> QuerySet[HelpRequest]:
    rows = (
        HelpRequest.objects.filter(mentorship__cycle=cycle)
        .select_related("mentorship__mentor", "mentorship__mentee", "requested_by", "resolved_by")
        .prefetch_related(Prefetch("replies", queryset=HelpReply.objects.select_related("author")))
    )
    return _by_status(rows, status, "created_at")


def flags(*, cycle: Cycle, status: str = "open") -> QuerySet[PairFlag]:
    rows = PairFlag.objects.filter(mentorship__cycle=cycle).select_related(
        "mentorship__mentor", "mentorship__mentee", "resolved_by"
    )
    return _by_status(rows, status, "raised_at")


def open_help_requests(*, cycle: Cycle) -> QuerySet[HelpRequest]:
    return help_requests(cycle=cycle)


def open_flags(*, cycle: Cycle) -> QuerySet[PairFlag]:
    return flags(cycle=cycle)


def unflagged_at_risk_count(*, cycle: Cycle) -> int:
    """Pairs at risk with no open flag: quiet ones (health's definition) nobody has flagged."""
    pairs = Mentorship.objects.filter(cycle=cycle).filter(health.at_risk_q()).exclude(health.open_flag_q())
    return pairs.count()


def cycle_detail(*, cycle: Cycle) -> dict[str, Any]:
    return {
        "cycle": cycle,
        "funnel": cycle_funnel(cycle=cycle),
        "pair_counts": _pair_counts(cycle),
        "pairs": list(cycle_pairs(cycle=cycle, at_risk_only=True)[:OVERVIEW_ROWS]),
        "help_count": HelpRequest.objects.filter(mentorship__cycle=cycle, resolved_at__isnull=True).count(),
        "flag_count": PairFlag.objects.filter(mentorship__cycle=cycle, resolved_at__isnull=True).count(),
        "events": list(events_with_rsvp_counts(cycle.events.all()).order_by("starts_at")),
        "overview_rows": OVERVIEW_ROWS,
        "help_requests": list(open_help_requests(cycle=cycle)[:OVERVIEW_ROWS]),
        "flags": list(open_flags(cycle=cycle)[:OVERVIEW_ROWS]),
    }


# The overview shows the first few of each long list; the full lists have pages of their own.
OVERVIEW_ROWS = 10


def _pair_counts(cycle: Cycle) -> dict[str, int]:
    counts = dict(
        Mentorship.objects.filter(cycle=cycle).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return {"total": sum(counts.values()), **{status: counts.get(status, 0) for status in Mentorship.Status.values}}


@dataclass(frozen=True)
class ApplicationFilters:
    role: str = ""
    status: str = ""
    q: str = ""


def cycle_applications(*, cycle: Cycle, filters: ApplicationFilters) -> QuerySet[Enrollment]:
    """Applications with what a reviewer needs inline: goals for mentees, capacity and skills for mentors."""
    qs = Enrollment.objects.filter(cycle=cycle)
    if filters.role:
        qs = qs.filter(role=filters.role)
    if filters.status:
        qs = qs.filter(status=filters.status)
    for word in filters.q.split():
        qs = qs.filter(
            Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word) | Q(person__email__icontains=word)
        )
    active_as_mentor = Mentorship.objects.filter(
        cycle=OuterRef("cycle"), mentor=OuterRef("person"), status=Mentorship.Status.ACTIVE
    )
    return (
        qs.select_related("person__department", "decided_by")
        .annotate(
            active_mentees=Subquery(
                active_as_mentor.order_by().values("mentor").annotate(n=Count("pk")).values("n")[:1]
            ),
            effective_capacity=Coalesce(F("capacity"), F("person__mentor_capacity")),
        )
        .prefetch_related(
            Prefetch("goals", queryset=DevelopmentGoal.objects.select_related("skill")),
            Prefetch(
                "person__skills",
                queryset=PersonSkill.objects.select_related("skill").order_by("-level", "skill__name"),
                to_attr="skill_list",
            ),
        )
        .order_by("role", "status", "person__last_name", "person__first_name")
    )


def event_rsvps(*, event: Event) -> dict[str, list[RSVP]]:
    """RSVPs of an event grouped by status, in the order people replied."""
    groups: dict[str, list[RSVP]] = {status: [] for status in RSVP.Status.values}
    for rsvp in event.rsvps.select_related("person__department").order_by("responded_at"):
        groups[rsvp.status].append(rsvp)
    return groups
