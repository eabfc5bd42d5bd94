"""Apps to the right of programs may open events to more people, without programs importing them.

A community of practice lists events of its host program; its members must be able to see them,
answer, and be invited and reminded like the program's own participants. Each app registers two
functions in its AppConfig.ready():

- `events_for(person) -> Q` over Event: extra events the person may attend and answer;
- `people_for(event) -> Q` over Person: extra people an event is for (invitations, reminders).

programs.selectors.participant.event_eligibility and notifications.selectors.event_audience add
these to their own rules, so every page, feed and reminder agrees on who an event is for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

EventsFor = Callable[[Any], Q]
PeopleFor = Callable[[Any], Q]

_EVENTS_FOR: list[EventsFor] = []
_PEOPLE_FOR: list[PeopleFor] = []


def register(*, events_for: EventsFor, people_for: PeopleFor) -> None:
    if events_for not in _EVENTS_FOR:
        _EVENTS_FOR.append(events_for)
    if people_for not in _PEOPLE_FOR:
        _PEOPLE_FOR.append(people_for)


def extra_events(person: Any) -> Q:
    """Events other apps open to `person` (an empty condition when none)."""
    condition = Q(pk__in=[])
    for events_for in _EVENTS_FOR:
        condition |= events_for(person)
    return condition


def extra_people(event: Any) -> Q:
    """People other apps add to `event`'s audience (an empty condition when none)."""
    condition = Q(pk__in=[])
    for people_for in _PEOPLE_FOR:
        condition |= people_for(event)
    return condition
