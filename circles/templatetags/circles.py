"""Template helpers of the circles pages, and the circles panel of programs' cycle overview.

The cycle overview belongs to programs, which cannot import circles (it sits to the left); the
template loads this library instead, so the dependency order of the Python code holds.
"""

from __future__ import annotations

from typing import Any

from django import template

from circles import selectors

register = template.Library()


@register.simple_tag
def attendance_of(page: selectors.CirclePage, session: Any) -> dict[str, Any] | None:
    """Present / recorded for one session of the page, with the names of who missed it."""
    marks = page.attendance.get(session.pk)
    if not marks:
        return None
    names = {m.person_id: m.person.full_name for m in (*page.mentors, *page.mentees)}
    return {
        "present": sum(1 for here in marks.values() if here),
        "total": len(marks),
        "absent": [names.get(pid, "a former member") for pid, here in marks.items() if not here],
    }


@register.inclusion_tag("circles/_cycle_panel.html")
def cycle_circles_panel(cycle: Any) -> dict[str, Any]:
    figures = selectors.cycle_circles(cycle=cycle)
    return {"cycle": cycle, "figures": figures, "summary": selectors.summary(figures)}


@register.inclusion_tag("circles/_my_circles_panel.html")
def my_circles_panel(person: Any) -> dict[str, Any]:
    """The participant home's "My circles": each circle with its next session, and how many
    circles the person may apply to. Four queries."""
    from django.utils import timezone

    from circles.models import CircleSession

    circles = selectors.circles_of(person) if person else []
    upcoming: dict[int, Any] = {}
    for session in CircleSession.objects.filter(
        circle__in=circles, scheduled_at__gte=timezone.now(), status=CircleSession.Status.SCHEDULED
    ).order_by("scheduled_at", "pk"):
        upcoming.setdefault(session.circle_id, session)
    can_apply = len(selectors.open_circles_for(person)) if person else 0
    return {"rows": [(c, upcoming.get(c.pk)) for c in circles], "can_apply": can_apply}
