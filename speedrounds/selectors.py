"""What the speed-round pages show, and the wishes matching reads. Fixed queries whatever the size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q

from profiles.models import Person
from speedrounds.models import Schedule, Seat, SpeedMeeting, Wish


@dataclass
class Round:
    number: int
    starts_at: datetime
    meetings: list[SpeedMeeting] = field(default_factory=list)
    waiting: list[Person] = field(default_factory=list)


def schedule_rounds(schedule: Schedule) -> list[Round]:
    """Every round with its meetings (by table) and who waits. Two queries."""
    seats = list(schedule.seats.select_related("person").order_by("role", "table", "person__last_name", "pk"))
    meetings = list(schedule.meetings.select_related("mentor", "mentee").order_by("round", "table"))
    start, step = schedule.event.starts_at, timedelta(minutes=schedule.minutes_per_round)
    rounds = [Round(number=r, starts_at=start + (r - 1) * step) for r in range(1, schedule.rounds + 1)]
    seated: dict[int, set[int]] = defaultdict(set)
    for m in meetings:
        rounds[m.round - 1].meetings.append(m)
        seated[m.round].update((m.mentor_id, m.mentee_id))
    for r in rounds:
        r.waiting = [s.person for s in seats if s.person_id not in seated[r.number]]
    return rounds


def seats_of(schedule: Schedule) -> dict[str, list[Seat]]:
    seats = list(schedule.seats.select_related("person").order_by("table", "person__last_name", "pk"))
    return {
        "mentors": [s for s in seats if s.role == Seat.Role.MENTOR],
        "mentees": [s for s in seats if s.role == Seat.Role.MENTEE],
    }


def my_rounds(schedule: Schedule, person: Person) -> list[dict[str, Any]]:
    """The person's own timetable: each round, the table and whom they meet, or a break."""
    mine = {
        m.round: m
        for m in schedule.meetings.filter(Q(mentor=person) | Q(mentee=person)).select_related("mentor", "mentee")
    }
    start, step = schedule.event.starts_at, timedelta(minutes=schedule.minutes_per_round)
    out = []
    for r in range(1, schedule.rounds + 1):
        m = mine.get(r)
        other = None if m is None else (m.mentee if m.mentor_id == person.pk else m.mentor)
        out.append({"number": r, "starts_at": start + (r - 1) * step, "table": m.table if m else None, "other": other})
    return out


def wish_counts(schedule: Schedule) -> int:
    return schedule.wishes.count()


def met_wishes(*, program_id: int, mentor_ids: set[int], mentee_ids: set[int]) -> dict[int, set[int]]:
    """mentee -> mentors where either said, at a speed round of the program's events, that they
    would like to work with the other. One query; matching adds a small bonus for these pairs."""
    if not mentor_ids or not mentee_ids:
        return {}
    rows = (
        Wish.objects.filter(schedule__event__program_id=program_id)
        .filter(Q(by_id__in=mentor_ids, whom_id__in=mentee_ids) | Q(by_id__in=mentee_ids, whom_id__in=mentor_ids))
        .values_list("by_id", "whom_id")
    )
    out: dict[int, set[int]] = defaultdict(set)
    for by, whom in rows:
        if by in mentee_ids and whom in mentor_ids:
            out[by].add(whom)
        if by in mentor_ids and whom in mentee_ids:
            out[whom].add(by)
    return dict(out)
