"""Dates and times in words, one way across the site and its e-mails."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def days_relative_to(days: int | None, anchor: str) -> str:
    """'3 days before the cycle start', 'on the day of the cycle start', '1 day after ...'.

    An offset is stored signed (negative for before); a person reads "before" and "after".
    """
    if days is None:
        return ""
    days = int(days)
    if days == 0:
        return f"on the day of {anchor}"
    count = abs(days)
    return f"{count} day{'s' if count != 1 else ''} {'before' if days < 0 else 'after'} {anchor}"
