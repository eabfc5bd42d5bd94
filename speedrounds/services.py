"""Generate an event's speed rounds from the people going, and record attendees' wishes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from profiles.models import Person
from programs import rules
from programs.models import RSVP, Cycle, Enrollment, Event
from programs.selectors.pair_facts import bans_among, reporting_lines
from speedrounds.models import Schedule, Seat, SpeedMeeting, Wish
from speedrounds.rotation import Rotation, RotationError, rotate


def event_cycles(event: Event) -> list[Cycle]:
    """The cycles whose roles and bans apply: the event's own, or its program's cycles running on the day."""
    if event.cycle_id:
        return [event.cycle]
    day = timezone.localdate(event.starts_at)
    return list(Cycle.objects.filter(program_id=event.program_id, starts_on__lte=day, ends_on__gte=day))


def attendees_by_role(event: Event) -> tuple[list[Person], list[Person]]:
    """Mentors and mentees among the people going, in a stable order (by name).

    A person's role is their approved application in the event's cycle (or the program's cycles
    running that day; mentor wins if both). Someone with none, at a community's event, is a
    mentor if their profile says they are willing to mentor, a mentee otherwise."""
    going = list(
        Person.objects.filter(
            rsvps__event=event, rsvps__status=RSVP.Status.GOING, separated_on__isnull=True, anonymised_at__isnull=True
        ).order_by("last_name", "first_name", "pk")
    )
    cycles = event_cycles(event)
    roles: dict[int, set[str]] = {}
    for person_id, role in Enrollment.objects.filter(
        cycle__in=cycles, status=Enrollment.Status.APPROVED, person__in=[p.pk for p in going]
    ).values_list("person_id", "role"):
        roles.setdefault(person_id, set()).add(role)
    mentors, mentees = [], []
    for person in going:
        held = roles.get(person.pk)
        is_mentor = Enrollment.Role.MENTOR in held if held else person.willing_to_mentor
        (mentors if is_mentor else mentees).append(person)
    return mentors, mentees


def _kept_apart(event: Event, mentors: list[Person], mentees: list[Person]) -> Any:
    """The hard rules that make sense for a ten-minute conversation: not oneself, not someone in
    one's reporting chain, not a pair a coordinator banned in the cycle. (Earlier pairs may meet
    again, and the grade rule is about who guides whom for six months, not a chat.)"""
    mentor_ids, mentee_ids = {p.pk for p in mentors}, {p.pk for p in mentees}
    supervisors = reporting_lines(mentor_ids | mentee_ids)
    bans: set[tuple[int, int]] = set()
    for cycle in event_cycles(event):
        bans |= bans_among(cycle, mentor_ids, mentee_ids)

    def forbidden(mentor: int, mentee: int) -> bool:
        return bool(rules.pair_rules(mentor=mentor, mentee=mentee, supervisors=supervisors, bans=bans))

    return forbidden


def default_rounds(event: Event, minutes: int) -> int:
    return max(1, int((event.ends_at - event.starts_at) / timedelta(minutes=minutes)))


@transaction.atomic
def schedule_generate(*, event: Event, by: Any, minutes_per_round: int, rounds: int | None = None) -> Schedule:
    """(Re)build the rotation for the people going. Refused once wishes are marked, since they
    refer to the meetings of the schedule in place."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError("This event is cancelled.")
    if not 2 <= minutes_per_round <= 60:
        raise ValidationError({"minutes_per_round": "A round lasts between 2 and 60 minutes."})
    existing = Schedule.objects.filter(event=event).first()
    if existing is not None and existing.wishes.exists():
        raise ValidationError(
            "Attendees have already marked people they would like to work with, so this schedule stays as it is."
        )
    mentors, mentees = attendees_by_role(event)
    try:
        rotation: Rotation = rotate(
            [p.pk for p in mentors],
            [p.pk for p in mentees],
            rounds=rounds or default_rounds(event, minutes_per_round),
            forbidden=_kept_apart(event, mentors, mentees),
        )
    except RotationError as error:
        raise ValidationError(str(error)) from error
    if existing is not None:
        existing.delete()
    schedule = Schedule.objects.create(
        event=event,
        minutes_per_round=minutes_per_round,
        rounds=rotation.rounds,
        created_by=by,
        kept_apart=[list(pair) for pair in rotation.kept_apart],
    )
    Seat.objects.bulk_create(
        [Seat(schedule=schedule, person=p, role=Seat.Role.MENTOR, table=rotation.tables[p.pk]) for p in mentors]
        + [Seat(schedule=schedule, person=p, role=Seat.Role.MENTEE) for p in mentees]
    )
    SpeedMeeting.objects.bulk_create(
        [
            SpeedMeeting(schedule=schedule, round=m.round, table=m.table, mentor_id=m.mentor, mentee_id=m.mentee)
            for m in rotation.meetings
        ],
        batch_size=2000,
    )
    audit_record(
        actor=by,
        action="speedrounds.generate",
        target=event,
        program_id=event.program_id,
        data={"rounds": rotation.rounds, "meetings": len(rotation.meetings)},
    )
    return schedule


def people_met(schedule: Schedule, person: Person) -> list[Person]:
    meetings = SpeedMeeting.objects.filter(Q(mentor=person) | Q(mentee=person), schedule=schedule)
    ids = {m.mentee_id if m.mentor_id == person.pk else m.mentor_id for m in meetings}
    return list(Person.objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk"))


@transaction.atomic
def wishes_set(*, schedule: Schedule, person: Person, whom: Iterable[int]) -> int:
    """Replace `person`'s wishes at these speed rounds with `whom` (people they met there)."""
    chosen = set(whom)
    met = {p.pk for p in people_met(schedule, person)}
    stranger = chosen - met
    if stranger:
        raise ValidationError("You can only mark people you met at these speed rounds.")
    Wish.objects.filter(schedule=schedule, by=person).exclude(whom_id__in=chosen).delete()
    have = set(Wish.objects.filter(schedule=schedule, by=person).values_list("whom_id", flat=True))
    Wish.objects.bulk_create([Wish(schedule=schedule, by=person, whom_id=pk) for pk in chosen - have])
    return len(chosen)
