"""Resource blocks for pages of other apps (the pair page, the event page): a template link,
so programs needs no import from this app to its right."""

from __future__ import annotations

from typing import Any

from django import template

from resources.selectors import circle_guides, event_recordings, pair_guides

register = template.Library()


@register.inclusion_tag("resources/_pair_guides.html")
def guides_for_pair(mentorship: Any, role: str | None) -> dict[str, Any]:
    return {"guides": pair_guides(mentorship, role)}


@register.inclusion_tag("resources/_event_recordings.html")
def recordings_for_event(event: Any) -> dict[str, Any]:
    return {"recordings": event_recordings(event)}


@register.inclusion_tag("resources/_pair_guides.html")
def guides_for_circle(circle: Any, role: str | None) -> dict[str, Any]:
    return {"guides": circle_guides(circle, role), "circle": True}
