"""Event invitations and reminders: timing, audience, time zones and the calendar file."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from notifications.models import Delivery, Kind
from notifications.services import sweep
from notifications.tests.conftest import backdate
from profiles.tests.factories import PersonFactory
from programs.models import RSVP, Enrollment
from programs.tests.factories import EnrollmentFactory, EventFactory, RSVPFactory

pytestmark = pytest.mark.django_db


def _reminders(kind: str = Kind.EVENT_REMINDER_WEEK) -> list:
    return [
        m
        for m in mail.outbox
        if m.extra_headers.get("Message-ID")
        and Delivery.objects.get(message_id=m.extra_headers["Message-ID"]).kind == kind
    ]


def _recipients(kind: str) -> list[str]:
    return sorted(m.to[0] for m in _reminders(kind))


def _mark_invited(event, people) -> None:
    """As if the invitations went out when the event was scheduled."""
    from notifications.services.claims import claims_for_people
    from notifications.services.sweep import invitation_due

    rows = claims_for_people(people, kind=Kind.EVENT_INVITATION, obj=event, due=invitation_due(event))
    for row in rows:
        row.status = Delivery.Status.SENT
    Delivery.objects.bulk_create(rows)
    Delivery.objects.filter(kind=Kind.EVENT_INVITATION).update(created_at=event.created_at)


def test_week_reminder_goes_to_those_going_and_those_who_have_not_answered(cycle, participants, event_in):
    going, declined, silent = participants
    event = event_in(timedelta(days=6, hours=20))
    RSVPFactory(event=event, person=going, status=RSVP.Status.GOING)
    RSVPFactory(event=event, person=declined, status=RSVP.Status.NOT_GOING)
    waitlisted = PersonFactory()
    EnrollmentFactory(cycle=cycle, person=waitlisted)
    RSVPFactory(event=event, person=waitlisted, status=RSVP.Status.WAITLIST)
    _mark_invited(event, participants)

    sweep()

    assert _recipients(Kind.EVENT_REMINDER_WEEK) == sorted([going.email, silent.email])


def test_no_reminder_before_seven_days_and_the_day_before_reminder_comes_on_the_eve(participants, event_in):
    event = event_in(timedelta(days=7, hours=2))
    _mark_invited(event, participants)
    sweep()
    assert mail.outbox == []

    backdate(event, starts_at=timezone.now() + timedelta(hours=20))
    sweep()
    assert len(_reminders(Kind.EVENT_REMINDER_DAY)) == 3
    # The 7-day moment came and went while nothing ran: once the eve has come only the eve's goes.
    assert _reminders(Kind.EVENT_REMINDER_WEEK) == []


def test_an_event_scheduled_three_days_ahead_gets_no_week_reminder(participants, cycle):
    event = EventFactory(cycle=cycle, starts_at=timezone.now() + timedelta(days=3))
    sweep()
    kinds = set(Delivery.objects.values_list("kind", flat=True))
    assert kinds == {Kind.EVENT_INVITATION}
    assert len(mail.outbox) == 3
    assert event.pk


def test_someone_invited_late_is_not_reminded_in_the_same_breath(cycle, participants, event_in):
    event = event_in(timedelta(days=6))
    _mark_invited(event, participants)
    newcomer = PersonFactory()
    EnrollmentFactory(cycle=cycle, person=newcomer, status=Enrollment.Status.APPROVED)

    sweep()

    to_newcomer = [m.subject for m in mail.outbox if m.to == [newcomer.email]]
    assert len(to_newcomer) == 1 and to_newcomer[0].startswith("You're invited")
    assert len(_reminders(Kind.EVENT_REMINDER_WEEK)) == 3


def test_sweeping_again_sends_nothing_more(participants, event_in):
    event = event_in(timedelta(days=6))
    _mark_invited(event, participants)
    sweep()
    first = len(mail.outbox)
    sweep()
    sweep()
    assert first == 3 and len(mail.outbox) == first
    assert Delivery.objects.filter(kind=Kind.EVENT_REMINDER_WEEK, status=Delivery.Status.SENT).count() == 3


def test_cancelled_and_past_events_are_not_reminded(participants, event_in):
    event = event_in(timedelta(days=6))
    backdate(event, cancelled_at=timezone.now())
    event_in(timedelta(hours=-1))
    sweep()
    assert mail.outbox == []


def test_people_outside_the_cycle_and_those_who_left_are_not_invited(cycle, participants, event_in):
    outsider = PersonFactory()
    leaver = PersonFactory(separated_on=timezone.localdate())
    EnrollmentFactory(cycle=cycle, person=leaver)
    EnrollmentFactory(cycle=cycle, person=PersonFactory(), status=Enrollment.Status.PENDING)
    event_in(timedelta(days=20))
    sweep()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in participants)
    assert outsider.email not in {m.to[0] for m in mail.outbox}


def test_alumni_are_invited_when_the_event_is_open_to_them(cycle, participants):
    from programs.tests.factories import CycleFactory

    earlier = CycleFactory(
        program=cycle.program,
        starts_on=cycle.starts_on - timedelta(days=400),
        ends_on=cycle.starts_on - timedelta(days=200),
    )
    alumna = PersonFactory()
    EnrollmentFactory(cycle=earlier, person=alumna)
    EventFactory(cycle=cycle, starts_at=timezone.now() + timedelta(days=20), open_to_alumni=True)
    EventFactory(cycle=cycle, starts_at=timezone.now() + timedelta(days=21), open_to_alumni=False)
    sweep()
    assert [m.to for m in mail.outbox].count([alumna.email]) == 1


def test_reminder_shows_the_time_in_each_recipients_zone(participants, event_in):
    new_york, paris, los_angeles = participants
    event = event_in(timedelta(days=6))
    start = datetime(2026, 12, 1, 15, 0, tzinfo=UTC) if timezone.now() < datetime(2026, 11, 25, tzinfo=UTC) else None
    if start is None:  # keep the test meaningful whatever day it runs: 6 days ahead at 15:00 UTC
        day = (timezone.now() + timedelta(days=6)).date()
        start = datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)
    backdate(event, starts_at=start, ends_at=start + timedelta(hours=2))
    sweep()
    body = {m.to[0]: m.body for m in mail.outbox if m.subject.startswith("You're invited")}
    assert "10:00–12:00 EST (America/New York)" in body[new_york.email]
    assert "16:00–18:00 CET (Europe/Paris)" in body[paris.email]
    assert "07:00–09:00 PST (America/Los Angeles)" in body[los_angeles.email]


def test_the_calendar_file_is_a_request_in_utc_with_a_stable_uid_and_the_sequence(participants, event_in):
    event = event_in(timedelta(days=6))
    backdate(event, sequence=2)
    sweep()
    message = mail.outbox[0]
    filename, content, mimetype = message.attachments[0]
    assert filename == "event.ics"
    assert mimetype.startswith("text/calendar; method=REQUEST")
    content = content.encode() if isinstance(content, str) else content
    cal = Calendar.from_ical(content)
    assert str(cal["method"]) == "REQUEST"
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["uid"]) == f"event-{event.pk}@mentoring.example.gov"
    assert int(vevent["sequence"]) == 2
    assert vevent.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert vevent.decoded("dtstart").utcoffset() == timedelta(0)
    assert re.search(rb"^DTSTART:\d{8}T\d{6}Z\r$", content, re.M)  # UTC form, no TZID
    assert str(vevent["attendee"]) == f"mailto:{message.to[0]}"
    assert str(vevent["organizer"]) == "mailto:mentorship@example.gov"
    # HTML and plain text parts, both from templates
    assert message.alternatives[0][1] == "text/html"
    assert event.title in message.alternatives[0][0]


def test_text_parts_keep_apostrophes_and_the_html_part_escapes_markup(participants, cycle):
    EventFactory(cycle=cycle, title="O'Brien's <b>social</b> & lunch", starts_at=timezone.now() + timedelta(days=20))
    sweep()
    message = mail.outbox[0]
    assert "O'Brien's <b>social</b> & lunch" in message.subject
    assert "O'Brien's <b>social</b> & lunch" in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;social&lt;/b&gt; &amp; lunch" in html and "<b>social</b>" not in html


def test_the_sweep_invites_to_far_events_only_once_they_come_near(participants, cycle, settings):
    settings.REMINDER_INVITATION_LEAD_DAYS = 42
    final = EventFactory(cycle=cycle, title="Final celebration", starts_at=timezone.now() + timedelta(days=50))
    sweep()
    assert mail.outbox == []
    backdate(final, starts_at=timezone.now() + timedelta(days=41))
    sweep()
    assert len(mail.outbox) == 3
