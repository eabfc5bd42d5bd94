"""Who may see what. Every view that takes an id from a URL goes through one of these."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from profiles.models import Person
from programs.models import Cycle, Event, Mentorship, Program


def person_of(user: Any) -> Person | None:
    """The employee record behind a login, or None (coordinators and HR may have none)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def coordinated_programs(user: Any) -> QuerySet[Program]:
    """Programs this user coordinates. Superusers coordinate every program."""
    if not getattr(user, "is_authenticated", False):
        return Program.objects.none()
    if user.is_superuser:
        return Program.objects.all()
    if not user.is_coordinator:
        return Program.objects.none()
    return Program.objects.filter(coordinators=user)


def can_coordinate(user: Any, program: Program | int) -> bool:
    program_id = program.pk if isinstance(program, Program) else program
    return coordinated_programs(user).filter(pk=program_id).exists()


def coordinated_cycles(user: Any) -> QuerySet[Cycle]:
    return Cycle.objects.filter(program__in=coordinated_programs(user))


def coordinated_events(user: Any) -> QuerySet[Event]:
    return Event.objects.filter(program__in=coordinated_programs(user))


def mentorships_visible_to(user: Any) -> QuerySet[Mentorship]:
    """A participant's own pairs, plus every pair of the programs a coordinator runs."""
    person = person_of(user)
    condition = Q(pk__in=[])
    if person is not None:
        condition |= Q(mentor=person) | Q(mentee=person)
    if getattr(user, "is_authenticated", False) and (user.is_superuser or user.is_coordinator):
        condition |= Q(cycle__program__in=coordinated_programs(user))
    return Mentorship.objects.filter(condition)
