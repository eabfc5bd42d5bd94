from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def in_words(value: timedelta | None) -> str:
    """'15 minutes' rather than '0:15:00' or 'PT15M' on the lockout page."""
    if not isinstance(value, timedelta):
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
