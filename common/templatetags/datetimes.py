"""`{{ value|when }}`, `{{ value|when:"day" }}`: every date and time on the site, one format
(common.dates), in the viewer's time zone. And offsets in words (`days_relative_to`)."""

from __future__ import annotations

from datetime import date, datetime

from django import template

from common import dates

register = template.Library()


@register.filter(expects_localtime=False)
def when(value: date | datetime | None, style: str = "") -> str:
    return dates.when(value, style)


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
