"""One date and time format, in the viewer's time zone, on pages and in e-mails."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from common.dates import when, when_span
from programs.models import Meeting
from programs.tests.factories import MeetingFactory, MentorshipFactory

UTC = ZoneInfo("UTC")
MOMENT = datetime(2026, 12, 11, 19, 30, tzinfo=UTC)  # 14:30 in New York, 11:30 in Los Angeles


def test_dates_and_times_have_one_format():
    with timezone.override("America/New_York"):
        assert when(date(2026, 10, 5)) == "5 Oct 2026"
        assert when(MOMENT) == "11 Dec 2026, 14:30"
        assert when(MOMENT, "day") == "Fri 11 Dec 2026, 14:30"
        assert when(MOMENT, "date") == "11 Dec 2026"
        assert when(MOMENT, "day date") == "Fri 11 Dec 2026"
        assert when(MOMENT, "time") == "14:30"
        assert when(MOMENT, "zone") == "11 Dec 2026, 14:30 EST"
        assert when(date(2027, 4, 16), "day") == "Fri 16 Apr 2027"
        assert when(None) == "" and when("") == ""
        assert when_span(MOMENT, MOMENT + timedelta(hours=1)) == "Fri 11 Dec 2026, 14:30–15:30"
        assert when_span(MOMENT, MOMENT + timedelta(days=1)) == "Fri 11 Dec 2026, 14:30 to 12 Dec 2026, 14:30"
    with pytest.raises(ValueError):
        when(MOMENT, "fancy")


def test_the_filter_shows_the_active_time_zone():
    template = Template('{% load datetimes %}{{ t|when }} / {{ t|when:"date" }}')
    with timezone.override("America/Los_Angeles"):
        assert template.render(Context({"t": MOMENT})) == "11 Dec 2026, 11:30 / 11 Dec 2026"
    late = datetime(2026, 12, 12, 3, 0, tzinfo=UTC)  # still 11 Dec in New York
    with timezone.override("America/New_York"):
        assert template.render(Context({"t": late})) == "11 Dec 2026, 22:00 / 11 Dec 2026"


def test_django_format_settings_come_from_the_projects_module():
    rendered = Template("{{ d }} {{ d|date }} {{ t|date:'DATETIME_FORMAT' }}").render(
        Context({"d": date(2026, 8, 4), "t": MOMENT})
    )
    with timezone.override("UTC"):
        assert rendered.startswith("4 Aug 2026 4 Aug 2026 ")


def test_no_template_writes_its_own_date_format():
    """The four formats of issue 15 ("5 Oct 2026", "Apr 16, 2027", "Friday, December 11, 2026",
    "2026-08-04") came from templates choosing their own; now only |when writes a date."""
    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*"):
        if path.suffix in (".html", ".txt"):
            for match in re.finditer(r"\|date:\s*['\"]([^'\"]*)['\"]", path.read_text()):
                if match.group(1) not in ("c", "T"):  # machine-readable <time datetime>, a zone name
                    offenders.append(f"{path.relative_to(root)}: {match.group(0)}")
    assert offenders == []


@pytest.mark.django_db
def test_pages_show_times_in_the_viewers_own_zone_and_coming_up_soonest_first(client):
    pair = MentorshipFactory()
    mentee = pair.mentee
    mentee.time_zone = "America/Los_Angeles"
    mentee.save(update_fields=["time_zone"])
    today = timezone.localdate()
    for days in (21, 7, 14):  # created out of order, and stored newest first by the model
        local = datetime.combine(today + timedelta(days=days), datetime.min.time()).replace(hour=10)
        MeetingFactory(
            mentorship=pair,
            status=Meeting.Status.SCHEDULED,
            scheduled_at=local.replace(tzinfo=ZoneInfo("America/Los_Angeles")),
        )
    client.force_login(mentee.user)
    response = client.get(reverse("programs:mentorship-detail", args=[pair.pk]))
    upcoming = response.context["upcoming_meetings"]
    assert [m.scheduled_at for m in upcoming] == sorted(m.scheduled_at for m in upcoming)
    body = response.content.decode()
    section = body[body.index("Coming up"):]
    shown = [when(today + timedelta(days=d), "day") for d in (7, 14, 21)]
    positions = [section.index(f"{text}, 10:00") for text in shown]  # 10:00 in her zone
    assert positions == sorted(positions)
