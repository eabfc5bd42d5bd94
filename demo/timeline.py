"""Dates and sizes shared by the demo builders: working days, local times, seasons, scale."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

FULL_SIZE = 2200  # the default headcount; smaller demos scale the program down with it
SEASONS = "Winter Winter Spring Spring Spring Summer Summer Summer Fall Fall Fall Winter".split()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """That day at that time in the site's time zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


def season(day: date) -> str:
    """A cycle's name from its start: December belongs to the next year's winter."""
    year = day.year + 1 if day.month == 12 else day.year
    return f"{SEASONS[day.month - 1]} {year}"


def workday(day: date) -> date:
    """The day itself, or the Monday after a weekend: offices meet on working days."""
    return day + timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)


def scaled(n: int, people: int, minimum: int = 1) -> int:
    """`n` at the full headcount, scaled to `people` (never below `minimum`)."""
    return max(minimum, round(n * people / FULL_SIZE))
