"""What needs a coordinator today, across the programs they coordinate.

Every figure is counted with the same selector as the list it links to, so a count on the home
and the rows on the page it opens cannot disagree. A fixed number of queries whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from programs.models import Cycle, Event, HelpRequest, PairFlag
from programs.selectors.access import coordinated_cycles, coordinated_events
from programs.selectors.coordinator import cycles_with_counts
from surveys.selectors.lists import coordinator_surveys

# An open survey is "low" while fewer than this share of its invitees have answered.
LOW_RESPONSE_SHARE = 0.5
UPCOMING_EVENTS = 5


@dataclass(frozen=True)
class Task:
    """One line of "Needs you today": a count and the filtered list that holds those rows."""

    count: int
    label: str
    where: str
    url: str


@dataclass
class CoordinatorToday:
    tasks: list[Task] = field(default_factory=list)
    low_response_surveys: list[Any] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    next_matching: Cycle | None = None
    cycles: list[Cycle] = field(default_factory=list)

    @property
    def nothing_waiting(self) -> bool:
        return not self.tasks and not self.low_response_surveys


def _open_count(model: type, outer: str = "mentorship__cycle") -> Any:
    rows = model.objects.filter(**{outer: OuterRef("pk")}, resolved_at__isnull=True).order_by()
    counted = rows.values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def live_cycles(user: Any, *, today: date) -> QuerySet[Cycle]:
    """Cycles of this user's programs that have not ended, with the counts the home shows."""
    cycles = coordinated_cycles(user).filter(ends_on__gte=today).select_related("program")
    return cycles_with_counts(cycles).annotate(
        open_help=_open_count(HelpRequest), open_flags=_open_count(PairFlag)
    ).order_by("starts_on", "pk")


def _cycle_tasks(cycle: Cycle) -> list[Task]:
    where = f"{cycle.program.name}: {cycle.name}"
    tasks = []
    if cycle.pending_count:
        url = reverse("programs:cycle-applications", args=[cycle.pk]) + "?status=pending"
        tasks.append(Task(cycle.pending_count, "applications to decide", where, url))
    waiting = cycle.open_help + cycle.open_flags
    if waiting:
        tasks.append(Task(waiting, "help requests and flags", where, reverse("programs:cycle-help", args=[cycle.pk])))
    if cycle.at_risk_pairs:
        url = reverse("reports:dashboard") + f"?program={cycle.program_id}&cycle={cycle.pk}"
        tasks.append(Task(cycle.at_risk_pairs, "pairs at risk", where, url))
    return tasks


def coordinator_today(user: Any, *, today: date | None = None) -> CoordinatorToday:
    today = today or timezone.localdate()
    cycles = list(live_cycles(user, today=today))
    data = CoordinatorToday(cycles=cycles)
    for cycle in cycles:
        data.tasks.extend(_cycle_tasks(cycle))
    data.low_response_surveys = [
        survey
        for survey in coordinator_surveys(user).filter(opened_at__isnull=False, closes_on__gte=today)
        if survey.invited and survey.responded < LOW_RESPONSE_SHARE * survey.invited
    ]
    data.events = list(
        coordinated_events(user).filter(cancelled_at__isnull=True, starts_at__gte=timezone.now())
        .select_related("program", "cycle")
        .order_by("starts_at")[:UPCOMING_EVENTS]
    )
    upcoming_matching = [c for c in cycles if c.matching_on >= today]
    data.next_matching = min(upcoming_matching, key=lambda c: c.matching_on, default=None)
    return data
