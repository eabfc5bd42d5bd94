"""The "ask for a conversation" offer on a person's card (profiles links to flash by template)."""

from __future__ import annotations

from typing import Any

from django import template

from flash.services import availability_of

register = template.Library()


@register.inclusion_tag("flash/_ask_offer.html", takes_context=True)
def flash_offer(context: template.Context, expert: Any) -> dict[str, Any]:
    user = context["request"].user
    viewer = getattr(user, "person", None) if user.is_authenticated else None
    accepts, per_month = availability_of(expert)
    show = viewer is not None and viewer.pk != expert.pk and expert.separated_on is None
    return {"expert": expert, "accepts": accepts, "per_month": per_month, "show": show}
