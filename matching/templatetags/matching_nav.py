"""What the nav offers a participant for mentee choice: one query, only for people with a login."""

from __future__ import annotations

from typing import Any

from django import template

from programs.models import Enrollment

register = template.Library()


@register.simple_tag
def mentee_choice_roles(user: Any) -> set[str]:
    """{"mentee"} / {"mentor"} for approved participants of a cycle where mentees choose."""
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    if person is None:
        return set()
    return set(
        Enrollment.objects.filter(person=person, status=Enrollment.Status.APPROVED, cycle__mentee_choice=True)
        .values_list("role", flat=True)
        .distinct()
    )
