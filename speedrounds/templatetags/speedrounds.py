"""Links to speed rounds on the event pages (programs links to speedrounds by template, not by import)."""

from __future__ import annotations

from typing import Any

from django import template

from programs.selectors.access import can_coordinate, person_of
from speedrounds.models import Schedule, Seat

register = template.Library()


@register.inclusion_tag("speedrounds/_event_link.html", takes_context=True)
def speed_rounds_link(context: template.Context, event: Any) -> dict[str, Any]:
    user = context["request"].user
    person = person_of(user)
    schedule = Schedule.objects.filter(event=event).first()
    return {
        "event": event,
        "schedule": schedule,
        "coordinates": can_coordinate(user, event.program_id),
        "seated": schedule is not None
        and person is not None
        and Seat.objects.filter(schedule=schedule, person=person).exists(),
    }
