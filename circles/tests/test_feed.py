"""Circle sessions in the members' calendar feeds: stable UIDs, sequence numbers, cancellations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from calendars.feed import person_calendar
from circles.models import CircleMember
from circles.services import (
    circle_create,
    circle_member_add,
    circle_member_remove,
    circle_session_cancel,
    circle_session_create,
    circle_session_update,
)
from matching.tests.world import build_world

pytestmark = pytest.mark.django_db


def _entries(person) -> dict[str, object]:
    cal = Calendar.from_ical(person_calendar(person))
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


@pytest.fixture
def circle_world():
    w = build_world(mentors=2, mentees=3)
    circle = circle_create(
        cycle=w.cycle,
        by=w.coordinator,
        topic="Budget basics",
        skills=[w.skills[0]],
        mentors=[w.mentors[0]],
        min_size=1,
        max_size=4,
    )
    circle_member_add(circle=circle, person=w.mentees[0], by=w.coordinator)
    session = circle_session_create(
        circle=circle,
        by=w.mentors[0],
        title="Reading a budget",
        scheduled_at=timezone.now() + timedelta(days=2),
        place="Room 4",
    )
    w.extra.update(circle=circle, session=session)
    return w


def test_members_feeds_hold_the_session_with_one_uid_and_a_rising_sequence(circle_world):
    w = circle_world
    session = w.extra["session"]
    uid = f"circle-session-{session.pk}@127.0.0.1"
    for person in (w.mentors[0], w.mentees[0]):
        entry = _entries(person)[uid]
        assert "Budget basics" in str(entry["summary"]) and str(entry["location"]) == "Room 4"
        assert int(entry["sequence"]) == 0 and str(entry["status"]) == "CONFIRMED"
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS"):
            assert prop in entry
        assert entry.decoded("dtend") - entry.decoded("dtstart") == timedelta(minutes=60)
    assert uid not in _entries(w.mentees[1])  # not a member
    circle_session_update(
        session=session,
        title="Reading a budget",
        scheduled_at=session.scheduled_at + timedelta(hours=1),
        duration_minutes=90,
        meeting_format="video",
        place="Room 5",
    )
    moved = _entries(w.mentees[0])[uid]
    assert int(moved["sequence"]) == 1 and str(moved["location"]) == "Room 5"
    circle_session_cancel(session=session)
    gone = _entries(w.mentees[0])[uid]
    assert str(gone["status"]) == "CANCELLED" and int(gone["sequence"]) == 2


def test_a_member_who_left_loses_the_sessions(circle_world):
    w = circle_world
    member = CircleMember.objects.get(person=w.mentees[0])
    circle_member_remove(member=member, by=w.coordinator)
    assert not any(uid.startswith("circle-session-") for uid in _entries(w.mentees[0]))


def test_the_feed_costs_the_same_queries_for_one_or_thirty_sessions(circle_world):
    w = circle_world
    person_calendar(w.mentees[0])
    with CaptureQueriesContext(connection) as few:
        person_calendar(w.mentees[0])
    for i in range(29):
        circle_session_create(
            circle=w.extra["circle"],
            by=None,
            title=f"Session {i}",
            scheduled_at=timezone.now() + timedelta(days=3, hours=i),
        )
    with CaptureQueriesContext(connection) as many:
        assert len([u for u in _entries(w.mentees[0]) if u.startswith("circle-session-")]) == 30
    assert len(many) == len(few)
