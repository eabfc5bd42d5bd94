"""The coordinator dashboard of one cycle: funnel, capacity, waitlists, pair health, events, surveys.

Five queries plus the surveys' own and the circles' four, whatever the number of people, pairs or meetings: every
figure is an aggregate or an annotation, and the pair list is one annotated query.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from circles import selectors as circle_selectors
from programs.models import RSVP, Cycle, Enrollment, Event, Meeting, Mentorship
from programs.selectors import health
from reports.selectors.scope import percent
from reports.selectors.surveys import SurveyHeadline, survey_headlines

MEETING_BUCKETS = ("0", "1", "2", "3–4", "5 or more")
SINCE_BUCKETS = ("under 2 weeks", "2–4 weeks", "4–8 weeks", "8 weeks or more", "no meeting yet")


@dataclass
class PairHealth:
    pair: Mentorship
    meetings: int
    last_meeting: date | None
    days_since: int | None
    reasons: list[str]


@dataclass
class Dashboard:
    cycle: Cycle
    funnel: list[tuple[str, int]]
    mentors: dict[str, int]
    capacity: dict[str, int | None]
    waitlists: dict[str, int]
    meetings_per_pair: list[tuple[str, int]]
    since_last: list[tuple[str, int]]
    average_meetings: float | None
    at_risk: list[PairHealth]
    at_risk_weeks: int
    events: list[dict[str, Any]]
    surveys: list[SurveyHeadline] | None
    active_pairs: int = 0
    notes: list[str] = field(default_factory=list)
    circles: list[circle_selectors.CircleFigures] = field(default_factory=list)  # with their health
    circles_summary: circle_selectors.CirclesSummary | None = None

    def chart_data(self) -> dict[str, Any]:
        """Numbers for static/js/dashboard.js (passed with json_script); the tables show the same."""
        return {
            "funnel": {"labels": [x for x, _ in self.funnel], "values": [n for _, n in self.funnel]},
            "meetings": {"labels": [x for x, _ in self.meetings_per_pair], "values": [n for _, n in self.meetings_per_pair]},
            "since": {"labels": [x for x, _ in self.since_last], "values": [n for _, n in self.since_last]},
        }


def _meeting_bucket(n: int) -> str:
    return MEETING_BUCKETS[min(n, 2)] if n < 3 else ("3–4" if n <= 4 else "5 or more")


def _since_bucket(days: int | None) -> str:
    if days is None:
        return SINCE_BUCKETS[4]
    for limit, label in ((14, SINCE_BUCKETS[0]), (28, SINCE_BUCKETS[1]), (56, SINCE_BUCKETS[2])):
        if days < limit:
            return label
    return SINCE_BUCKETS[3]


def cycle_dashboard(*, cycle: Cycle, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    today = timezone.localdate(now)
    circles = circle_selectors.cycle_circles(cycle=cycle, now=now)  # four queries
    by_role_status = Counter(
        {
            (row["role"], row["status"]): row["n"]
            for row in Enrollment.objects.filter(cycle=cycle).values("role", "status").annotate(n=Count("id")).order_by()
        }
    )
    capacity_total = Enrollment.objects.filter(
        cycle=cycle, role=Enrollment.Role.MENTOR, status=Enrollment.Status.APPROVED
    ).aggregate(total=Sum(Coalesce("capacity", "person__mentor_capacity")))["total"]

    held = Q(meetings__status=Meeting.Status.HELD, meetings__scheduled_at__lte=now)
    # Which pairs are at risk, and why, is programs.selectors.health's one definition.
    pairs = list(
        health.with_risk(Mentorship.objects.filter(cycle=cycle).select_related("mentor", "mentee"), now=now)
        .annotate(held_count=Count("meetings", filter=held), last_held=Max("meetings__scheduled_at", filter=held))
        .order_by("mentee__last_name", "mentee__first_name", "pk")
    )
    events = list(
        Event.objects.filter(cycle=cycle, cancelled_at__isnull=True)
        .annotate(
            going=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.GOING)),
            attended=Count("rsvps", filter=Q(rsvps__attended=True)),
            waitlisted=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.WAITLIST)),
        )
        .order_by("starts_at")
    )

    mentees_matched = {p.mentee_id for p in pairs}
    mentees_active = {p.mentee_id for p in pairs if p.status == Mentorship.Status.ACTIVE}
    mentees_completed = {p.mentee_id for p in pairs if p.status == Mentorship.Status.COMPLETED}
    applied = sum(n for (role, _), n in by_role_status.items() if role == Enrollment.Role.MENTEE)
    funnel = [
        ("Applied", applied),
        ("Approved", by_role_status[(Enrollment.Role.MENTEE, Enrollment.Status.APPROVED)]),
        ("Matched", len(mentees_matched)),
        ("Active", len(mentees_active)),
        ("Completed", len(mentees_completed)),
    ]
    taken = sum(1 for p in pairs if p.status != Mentorship.Status.ENDED)
    active = [p for p in pairs if p.status == Mentorship.Status.ACTIVE]
    rows: list[PairHealth] = []
    meeting_counts: Counter[str] = Counter()
    since_counts: Counter[str] = Counter()
    for pair in active:
        last = timezone.localtime(pair.last_held).date() if pair.last_held else None
        days = (today - last).days if last else None
        meeting_counts[_meeting_bucket(pair.held_count)] += 1
        since_counts[_since_bucket(days)] += 1
        rows.append(PairHealth(pair, pair.held_count, last, days, health.risk_reasons(pair, today=today)))
    at_risk = sorted((h for h in rows if h.reasons), key=lambda h: (-len(h.reasons), -(h.days_since or 10**6)))
    return Dashboard(
        cycle=cycle,
        funnel=funnel,
        mentors={
            "applied": sum(n for (role, _), n in by_role_status.items() if role == Enrollment.Role.MENTOR),
            "approved": by_role_status[(Enrollment.Role.MENTOR, Enrollment.Status.APPROVED)],
            "matched": len({p.mentor_id for p in pairs}),
        },
        capacity={"total": capacity_total, "used": taken, "percent": percent(taken, capacity_total or 0)},
        waitlists={
            "mentees": by_role_status[(Enrollment.Role.MENTEE, Enrollment.Status.WAITLISTED)],
            "mentors": by_role_status[(Enrollment.Role.MENTOR, Enrollment.Status.WAITLISTED)],
            "events": sum(e.waitlisted for e in events),
        },
        meetings_per_pair=[(b, meeting_counts[b]) for b in MEETING_BUCKETS],
        since_last=[(b, since_counts[b]) for b in SINCE_BUCKETS],
        average_meetings=round(sum(h.meetings for h in rows) / len(rows), 1) if rows else None,
        at_risk=at_risk,
        at_risk_weeks=health.at_risk_weeks(),
        events=[
            {
                "event": e,
                "going": e.going,
                "attended": e.attended,
                "waitlisted": e.waitlisted,
                "attendance": percent(e.attended, e.going) if e.starts_at < timezone.now() else None,
            }
            for e in events
        ],
        surveys=survey_headlines(cycle_ids=[cycle.pk]),
        active_pairs=len(active),
        circles=circles,
        circles_summary=circle_selectors.summary(circles),
    )


def default_cycle(cycles: list[Cycle], today: date | None = None) -> Cycle | None:
    """The running cycle if there is one, else the next to start, else the latest."""
    today = today or timezone.localdate()
    running = [c for c in cycles if c.starts_on <= today <= c.ends_on]
    if running:
        return running[0]
    upcoming = sorted((c for c in cycles if c.starts_on > today), key=lambda c: c.starts_on)
    return upcoming[0] if upcoming else (cycles[0] if cycles else None)

