"""Creating and re-dating cycles, with their application window and milestone events."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from audit.services import audit_record
from programs import signals
from programs.models import Cycle, Event, Program
from programs.services.events import event_update

DEFAULT_LENGTH_MONTHS = 6
# Application window and matching date, counted back from the start date.
APPLICATIONS_OPEN_BEFORE = timedelta(weeks=8)
APPLICATIONS_CLOSE_BEFORE = timedelta(weeks=3)
MATCHING_BEFORE = timedelta(weeks=2)
# Milestones default to a late-morning slot in the program's time zone.
MILESTONE_STARTS = time(10, 0)
MILESTONE_ENDS = time(11, 30)
MILESTONE_TITLES = {
    Event.Kind.KICKOFF: "Kickoff",
    Event.Kind.MIDPOINT: "Midpoint keynote",
    Event.Kind.FINAL: "Final celebration",
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month (31 Aug + 6 -> 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class CycleDates:
    starts_on: date
    ends_on: date
    applications_open_on: date
    applications_close_on: date
    matching_on: date


def cycle_default_dates(*, starts_on: date, length_months: int = DEFAULT_LENGTH_MONTHS) -> CycleDates:
    return CycleDates(
        starts_on=starts_on,
        ends_on=add_months(starts_on, length_months),
        applications_open_on=starts_on - APPLICATIONS_OPEN_BEFORE,
        applications_close_on=starts_on - APPLICATIONS_CLOSE_BEFORE,
        matching_on=starts_on - MATCHING_BEFORE,
    )


def cycle_date_problems(
    *,
    starts_on: date,
    ends_on: date,
    applications_open_on: date,
    applications_close_on: date,
    matching_on: date,
    choice_deadline: date | None = None,
) -> dict[str, str]:
    """Field name -> message for every date that does not fit; empty when the dates are sound."""
    problems: dict[str, str] = {}
    if ends_on <= starts_on:
        problems["ends_on"] = "The cycle must end after it starts."
    if applications_close_on < applications_open_on:
        problems["applications_close_on"] = "Applications must close on or after the day they open."
    elif applications_close_on >= starts_on:
        problems["applications_close_on"] = "Applications must close before the cycle starts."
    if not applications_close_on <= matching_on <= starts_on:
        problems["matching_on"] = "Matching must fall between the close of applications and the start date."
    if choice_deadline is not None and not applications_close_on <= choice_deadline <= starts_on:
        problems["choice_deadline"] = "The choice deadline must fall between the close of applications and the start."
    return problems


def milestone_dates(*, starts_on: date, ends_on: date) -> dict[str, date]:
    """Kickoff on the first day, final celebration on the last, midpoint halfway.

    Halfway is counted in calendar months when the cycle is a whole, even number of months
    (a six-month cycle's keynote is exactly three months in), in days otherwise.
    """
    months = (ends_on.year - starts_on.year) * 12 + ends_on.month - starts_on.month
    if months > 0 and months % 2 == 0 and add_months(starts_on, months) == ends_on:
        midpoint = add_months(starts_on, months // 2)
    else:
        midpoint = starts_on + (ends_on - starts_on) / 2
    return {Event.Kind.KICKOFF: starts_on, Event.Kind.MIDPOINT: midpoint, Event.Kind.FINAL: ends_on}


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=ZoneInfo(settings.TIME_ZONE))


@transaction.atomic
def cycle_create(
    *,
    program: Program,
    name: str,
    starts_on: date,
    length_months: int = DEFAULT_LENGTH_MONTHS,
    by: Any = None,
    ends_on: date | None = None,
    applications_open_on: date | None = None,
    applications_close_on: date | None = None,
    matching_on: date | None = None,
    mentee_choice: bool = False,
    choice_deadline: date | None = None,
    allow_repeat_pairs: bool = False,
    mentor_grade_at_or_above: bool = False,
    video_url: str = "",
    location: str = "",
) -> Cycle:
    """Create a cycle and its three milestone events. Dates not given take the defaults above."""
    if not 1 <= length_months <= 24:
        raise ValidationError({"length_months": "A cycle lasts between 1 and 24 months."})
    defaults = cycle_default_dates(starts_on=starts_on, length_months=length_months)
    dates = {
        "starts_on": starts_on,
        "ends_on": ends_on or defaults.ends_on,
        "applications_open_on": applications_open_on or defaults.applications_open_on,
        "applications_close_on": applications_close_on or defaults.applications_close_on,
        "matching_on": matching_on or defaults.matching_on,
    }
    problems = cycle_date_problems(**dates, choice_deadline=choice_deadline)
    if problems:
        raise ValidationError(problems)
    cycle = Cycle.objects.create(
        program=program,
        name=name,
        mentee_choice=mentee_choice,
        choice_deadline=choice_deadline,
        allow_repeat_pairs=allow_repeat_pairs,
        mentor_grade_at_or_above=mentor_grade_at_or_above,
        **dates,
    )
    Event.objects.bulk_create(
        Event(
            program=program,
            cycle=cycle,
            kind=kind,
            title=f"{MILESTONE_TITLES[kind]} – {name}",
            starts_at=_at(day, MILESTONE_STARTS),
            ends_at=_at(day, MILESTONE_ENDS),
            video_url=video_url,
            location=location,
        )
        for kind, day in milestone_dates(starts_on=cycle.starts_on, ends_on=cycle.ends_on).items()
    )
    if by is not None:
        audit_record(actor=by, action="cycle.create", target=cycle, summary=f"Created {cycle}")
    # One signal for the cycle: nobody has applied yet, so the milestones invite no one on their own.
    transaction.on_commit(lambda: signals.cycle_created.send(sender=Cycle, cycle=cycle))
    return cycle


@dataclass
class CycleUpdateResult:
    cycle: Cycle
    moved_events: list[Event] = field(default_factory=list)
    kept_events: list[Event] = field(default_factory=list)  # milestones left alone: people had replied


CYCLE_EDITABLE_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "applications_open_on",
    "applications_close_on",
    "matching_on",
    "mentee_choice",
    "choice_deadline",
    "allow_repeat_pairs",
    "mentor_grade_at_or_above",
    "match_everyone",
)


@transaction.atomic
def cycle_update(*, cycle: Cycle, by: Any, **changes: Any) -> CycleUpdateResult:
    """Change a cycle's name, dates or options.

    When the start or end date moves, milestone events nobody has replied to move with it
    (same time of day). Milestones with RSVPs stay where they are, because people planned
    around them: the result lists them so the coordinator can move each one on purpose, which
    tells the people who replied.
    """
    unknown = set(changes) - set(CYCLE_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"cycle_update() cannot change {sorted(unknown)}")
    before = {"starts_on": cycle.starts_on, "ends_on": cycle.ends_on}
    # Validate the would-be values first, so a refused change leaves the caller's object as it was.
    after = {name: changes.get(name, getattr(cycle, name)) for name in CYCLE_EDITABLE_FIELDS}
    problems = cycle_date_problems(
        starts_on=after["starts_on"],
        ends_on=after["ends_on"],
        applications_open_on=after["applications_open_on"],
        applications_close_on=after["applications_close_on"],
        matching_on=after["matching_on"],
        choice_deadline=after["choice_deadline"] if after["mentee_choice"] else None,
    )
    if problems:
        raise ValidationError(problems)
    for name, value in changes.items():
        setattr(cycle, name, value)
    cycle.save()
    result = CycleUpdateResult(cycle=cycle)
    if before != {"starts_on": cycle.starts_on, "ends_on": cycle.ends_on}:
        _move_milestones(result, by=by)
        audit_record(
            actor=by,
            action="cycle.redate",
            target=cycle,
            summary=f"Dates of {cycle} changed",
            data={k: str(v) for k, v in before.items()},
        )
    return result


def _move_milestones(result: CycleUpdateResult, *, by: Any) -> None:
    cycle = result.cycle
    targets = milestone_dates(starts_on=cycle.starts_on, ends_on=cycle.ends_on)
    zone = ZoneInfo(settings.TIME_ZONE)
    milestones = (
        Event.objects.filter(cycle=cycle, kind__in=Event.MILESTONES, cancelled_at__isnull=True)
        .annotate(replies=Count("rsvps"))
        .order_by("starts_at")
    )
    for event in milestones:
        local_start = event.starts_at.astimezone(zone)
        if local_start.date() == targets[event.kind]:
            continue
        if event.replies:
            result.kept_events.append(event)
            continue
        # Move by whole days in local time, so 10:00 stays 10:00 across a daylight-saving change.
        shift = targets[event.kind] - local_start.date()
        local_end = event.ends_at.astimezone(zone)
        event_update(
            event=event,
            by=by,
            starts_at=_at(local_start.date() + shift, local_start.time()),
            ends_at=_at(local_end.date() + shift, local_end.time()),
        )
        result.moved_events.append(event)
