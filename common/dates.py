"""Dates and times for people: the format settings (mentorship/formats) in the viewer's zone.

`when(value)` is the one way a date or time is written, in pages (the `|when` filter), in
e-mails and in messages. Datetimes are shown in the active time zone: the signed-in person's
(common.middleware.ViewerTimeZoneMiddleware) or, for an e-mail, the recipient's.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone

STYLES = frozenset({"date", "day", "time", "zone"})


def when(value: date | datetime | None, style: str = "") -> str:
    """'5 Oct 2026', '5 Oct 2026, 14:30'; style words, combined with spaces:
    date (only the day of a datetime), day (with the weekday: 'Mon 5 Oct 2026'),
    time (only '14:30'), zone (adds the zone's abbreviation: '14:30 EST')."""
    if value is None or value == "":
        return ""
    if not isinstance(value, date):
        return str(value)
    words = set(style.split())
    if not words <= STYLES:
        raise ValueError(f"Unknown style {style!r}; use {sorted(STYLES)}")
    moment = isinstance(value, datetime)
    if moment and timezone.is_aware(value):
        value = timezone.localtime(value)
    parts = []
    if "time" not in words or not moment:
        day = formats.date_format(value, "DATE_FORMAT")
        parts.append(f"{formats.date_format(value, 'D')} {day}" if "day" in words else day)
    if moment and ("date" not in words or "time" in words):
        clock = formats.time_format(value, "TIME_FORMAT")
        if "zone" in words:
            clock += f" {formats.date_format(value, 'T')}"
        parts.append(clock)
    return ", ".join(parts)


def when_span(start: datetime, end: datetime | None, style: str = "day") -> str:
    """'Mon 5 Oct 2026, 14:00–15:30', or across days 'Mon 5 Oct 2026, 14:00 to 6 Oct 2026, 10:00'."""
    text = when(start, style)
    if end is None:
        return text
    start_local, end_local = timezone.localtime(start), timezone.localtime(end)
    if start_local.date() == end_local.date():
        return f"{text}–{when(end, 'time')}"
    return f"{text} to {when(end)}"
