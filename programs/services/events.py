"""Coordinator actions on events: schedule, change, cancel, take attendance."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from programs import signals
from programs.models import RSVP, Cycle, Event, Program
from programs.services.rsvps import _promote_waitlisted, seats_taken

EVENT_EDITABLE_FIELDS = (
    "kind",
    "title",
    "description",
    "cycle",
    "starts_at",
    "ends_at",
    "location",
    "video_url",
    "capacity",
    "open_to_alumni",
    "guests_per_person",
)
# Changes people must hear about: they bump event.sequence (calendar clients replace the
# invitation) and go out with event_changed.
NOTIFIED_FIELDS = {"starts_at": "time", "ends_at": "time", "location": "place", "video_url": "video link"}


def _validate(event: Event) -> None:
    problems: dict[str, str] = {}
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        problems["ends_at"] = "The event must end after it starts."
    if event.cycle_id and event.cycle.program_id != event.program_id:
        problems["cycle"] = "That cycle belongs to another program."
    if event.kind in Event.MILESTONES and not event.cycle_id:
        problems["cycle"] = "A kickoff, midpoint or final celebration belongs to a cycle."
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def event_create(
    *,
    program: Program,
    by: Any,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    cycle: Cycle | None = None,
    description: str = "",
    location: str = "",
    video_url: str = "",
    capacity: int | None = None,
    open_to_alumni: bool = False,
    guests_per_person: int = 0,
) -> Event:
    event = Event(
        program=program,
        cycle=cycle,
        kind=kind,
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        video_url=video_url,
        capacity=capacity,
        open_to_alumni=open_to_alumni,
        guests_per_person=guests_per_person,
    )
    _validate(event)
    event.save()
    audit_record(actor=by, action="event.create", target=event, summary=f"Scheduled {event.title}")
    transaction.on_commit(lambda: signals.event_scheduled.send(sender=Event, event=event))
    return event


def _describe(name: str, old: Any, new: Any) -> str:
    label = NOTIFIED_FIELDS[name]
    if isinstance(old, datetime) or isinstance(new, datetime):
        zone = ZoneInfo(settings.TIME_ZONE)
        old, new = (f"{v.astimezone(zone):%a %d %b %Y %H:%M}" if v else "" for v in (old, new))
        label = "start" if name == "starts_at" else "end"
    return f"{label}: {old or '(none)'} → {new or '(none)'}"


@transaction.atomic
def event_update(*, event: Event, by: Any, **fields: Any) -> list[str]:
    """Apply the changes; return what changed in words people are told (empty if nothing notable)."""
    unknown = set(fields) - set(EVENT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"event_update() cannot change {sorted(unknown)}")
    if event.is_cancelled:
        raise ValidationError("This event was cancelled; it can no longer be changed.")
    changes = [
        _describe(name, getattr(event, name), value)
        for name, value in fields.items()
        if name in NOTIFIED_FIELDS and getattr(event, name) != value
    ]
    # Under the event's row lock, like RSVPs, so seats are counted against a settled capacity.
    Event.objects.select_for_update().filter(pk=event.pk).first()
    # Check a copy, so a refused change leaves the caller's object as it was.
    candidate = copy.copy(event)
    for name, value in fields.items():
        setattr(candidate, name, value)
    _validate(candidate)
    capacity_changed = "capacity" in fields and fields["capacity"] != event.capacity
    if capacity_changed and candidate.capacity is not None and candidate.capacity < (taken := seats_taken(event)):
        raise ValidationError(
            {"capacity": f"{taken} seats are already taken by people going and their guests; the capacity cannot be lower."}
        )
    for name, value in fields.items():
        setattr(event, name, value)
    if changes:
        event.sequence += 1
    event.save()
    if capacity_changed:
        _promote_waitlisted(event)  # more room: the waitlist moves up in order, each person is told
    if changes:
        audit_record(actor=by, action="event.change", target=event, summary="; ".join(changes)[:500])
        transaction.on_commit(lambda: signals.event_changed.send(sender=Event, event=event, changes=changes))
    return changes


@transaction.atomic
def event_cancel(*, event: Event, by: Any, reason: str = "") -> Event:
    if event.is_cancelled:
        raise ValidationError("This event is already cancelled.")
    event.cancelled_at = timezone.now()
    event.sequence += 1  # calendar clients need a newer version to accept the cancellation
    event.save(update_fields=["cancelled_at", "sequence"])
    audit_record(actor=by, action="event.cancel", target=event, summary=reason or f"Cancelled {event.title}")
    transaction.on_commit(lambda: signals.event_cancelled.send(sender=Event, event=event))
    return event


@transaction.atomic
def event_attendance_record(*, event: Event, attended_person_ids: Iterable[int], by: Any) -> tuple[int, int]:
    """Mark everyone who said they were going as attended or not. Returns (attended, absent)."""
    if event.is_cancelled:
        raise ValidationError("This event was cancelled; there is no attendance to take.")
    going = RSVP.objects.filter(event=event, status=RSVP.Status.GOING)
    present = {int(pk) for pk in attended_person_ids}
    attended = going.filter(person_id__in=present).update(attended=True)
    absent = going.exclude(person_id__in=present).update(attended=False)
    audit_record(
        actor=by, action="event.attendance", target=event, summary=f"{attended} attended, {absent} absent"
    )
    return attended, absent
