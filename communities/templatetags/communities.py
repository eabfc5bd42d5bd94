"""Communities on other apps' pages (profiles links to communities by template, not by import):
the communities about a skill on Find expertise, and a person's communities on their card."""

from __future__ import annotations

from typing import Any

from django import template

from communities import selectors

register = template.Library()


@register.inclusion_tag("communities/_for_skill.html", takes_context=True)
def communities_for_skill(context: template.Context, skill: Any) -> dict[str, Any]:
    if getattr(skill, "pk", None) is None:  # no skill searched (the form is unbound or invalid)
        return {"communities": [], "skill": None}
    return {"communities": selectors.communities_for_skill(context["request"].user, skill.pk), "skill": skill}


@register.inclusion_tag("communities/_of_person.html", takes_context=True)
def communities_of_person(context: template.Context, person: Any) -> dict[str, Any]:
    # Only communities the viewer may see: a mentors' community stays among its mentors.
    visible = set(selectors.visible_communities(context["request"].user).values_list("pk", flat=True))
    memberships = [m for m in selectors.memberships_of(person) if m.community_id in visible]
    return {"memberships": memberships, "person": person}


@register.inclusion_tag("communities/_for_event.html", takes_context=True)
def communities_of_event(context: template.Context, event: Any) -> dict[str, Any]:
    """On an event's page: the communities that list it, among those the viewer may see."""
    communities = selectors.visible_communities(context["request"].user).filter(event_links__event=event)
    return {"communities": list(communities.order_by("name", "pk"))}
