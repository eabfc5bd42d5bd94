"""Calendar feeds, driven as people use them: make an address on the page, subscribe (an
anonymous GET, as Outlook does), see changes and cancellations, replace or turn off the address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from calendars.models import CalendarFeed
from profiles.tests.factories import PersonFactory, UserFactory
from programs.models import RSVP, Meeting
from programs.services.events import event_cancel, event_update
from programs.services.meetings import meeting_cancel
from programs.tests.factories import EventFactory, MeetingFactory, MentorshipFactory, RSVPFactory

pytestmark = pytest.mark.django_db
SECRET = "Talked about the reorganisation, in confidence."


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def issue_address(client: Client) -> str:
    response = client.post(reverse("calendars:issue"))
    assert response.status_code == 200
    match = re.search(r'id="feed-url"[^>]*value="([^"]+)"', response.content.decode())
    assert match, "the new address is shown on the page"
    return match.group(1)


def fetch(url: str):
    """What a calendar app does: an anonymous GET of the address."""
    return Client().get("/" + url.split("://", 1)[1].split("/", 1)[1])


def entries(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


@pytest.fixture
def pair():
    pair = MentorshipFactory(started_on=timezone.localdate() - timedelta(days=60))
    return pair


def test_the_feed_holds_my_meetings_and_the_events_i_am_going_to_and_nothing_else(pair):
    mentee = pair.mentee
    upcoming = MeetingFactory(
        mentorship=pair, scheduled_at=timezone.now() + timedelta(days=3), status=Meeting.Status.SCHEDULED,
        private_notes=SECRET,
    )
    held = MeetingFactory(mentorship=pair, scheduled_at=timezone.now() - timedelta(days=10), private_notes=SECRET)
    too_old = MeetingFactory(mentorship=pair, scheduled_at=timezone.now() - timedelta(days=400))
    someone_elses = MeetingFactory(scheduled_at=timezone.now() + timedelta(days=2))
    going = RSVPFactory(person=mentee, status=RSVP.Status.GOING).event
    RSVPFactory(person=mentee, status=RSVP.Status.WAITLIST)
    RSVPFactory(person=mentee, status=RSVP.Status.NOT_GOING)
    EventFactory()  # an event nobody told us about

    found = entries(fetch(issue_address(signed_in(mentee))))

    host = "127.0.0.1"
    assert set(found) == {
        f"meeting-{upcoming.pk}@{host}", f"meeting-{held.pk}@{host}", f"event-{going.pk}@{host}",
    }
    assert f"meeting-{too_old.pk}@{host}" not in found and f"meeting-{someone_elses.pk}@{host}" not in found
    meeting = found[f"meeting-{upcoming.pk}@{host}"]
    assert str(meeting["summary"]) == f"Mentoring meeting with {pair.mentor.full_name}"
    assert meeting.decoded("dtstart") == upcoming.scheduled_at.replace(microsecond=0)
    assert meeting.decoded("dtend") - meeting.decoded("dtstart") == timedelta(minutes=upcoming.duration_minutes)


def test_private_notes_never_reach_the_feed(pair):
    MeetingFactory(mentorship=pair, private_notes=SECRET)
    body = fetch(issue_address(signed_in(pair.mentor))).content.decode()
    assert "reorganisation" not in body and "confidence" not in body


def test_the_feed_is_valid_rfc_5545_and_survives_a_round_trip(pair):
    MeetingFactory(mentorship=pair, scheduled_at=timezone.now() + timedelta(days=1), status=Meeting.Status.SCHEDULED)
    event = RSVPFactory(person=pair.mentor).event
    event.video_url = "https://video.example.gov/room, with; commas\\"
    event.description = "Line one\nLine two; with, punctuation"
    event.save()
    response = fetch(issue_address(signed_in(pair.mentor)))
    body = response.content
    assert all(len(line) <= 75 for line in body.split(b"\r\n")), "content lines are folded at 75 octets"
    cal = Calendar.from_ical(body)
    for prop in ("PRODID", "VERSION"):
        assert prop in cal
    assert str(cal["VERSION"]) == "2.0"
    events = cal.walk("VEVENT")
    assert len(events) == 2
    for entry in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS"):
            assert prop in entry, prop
        assert entry.decoded("dtend") > entry.decoded("dtstart")
        assert entry.decoded("dtstart").utcoffset() == timedelta(0), "times are in UTC"
    again = Calendar.from_ical(cal.to_ical())
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(e["uid"]) for e in events]
    assert "Line two; with, punctuation" in str([e for e in events if "event-" in str(e["uid"])][0]["description"])


def test_a_cancelled_meeting_stays_with_the_same_uid_a_newer_sequence_and_status_cancelled(pair):
    meeting = MeetingFactory(
        mentorship=pair, scheduled_at=timezone.now() + timedelta(days=4), status=Meeting.Status.SCHEDULED
    )
    url = issue_address(signed_in(pair.mentee))
    uid = f"meeting-{meeting.pk}@127.0.0.1"
    before = entries(fetch(url))[uid]
    assert str(before["status"]) == "CONFIRMED"

    meeting_cancel(meeting=meeting, by=pair.mentor)

    after = entries(fetch(url))[uid]
    assert str(after["status"]) == "CANCELLED"
    assert int(after["sequence"]) > int(before["sequence"])


def test_a_moved_or_cancelled_event_updates_in_place(pair):
    event = RSVPFactory(person=pair.mentee).event
    url = issue_address(signed_in(pair.mentee))
    uid = f"event-{event.pk}@127.0.0.1"
    first = entries(fetch(url))[uid]
    coordinator = UserFactory()
    new_start = event.starts_at + timedelta(days=1)
    event_update(event=event, by=coordinator, starts_at=new_start, ends_at=new_start + timedelta(hours=2))
    moved = entries(fetch(url))[uid]
    assert moved.decoded("dtstart") == new_start.replace(microsecond=0)
    assert int(moved["sequence"]) > int(first["sequence"])
    event.refresh_from_db()
    event_cancel(event=event, by=coordinator)
    cancelled = entries(fetch(url))[uid]
    assert str(cancelled["status"]) == "CANCELLED"
    assert int(cancelled["sequence"]) > int(moved["sequence"])


def test_a_new_address_revokes_the_old_one_and_turning_off_revokes_both(pair):
    client = signed_in(pair.mentee)
    old = issue_address(client)
    new = issue_address(client)
    assert old != new
    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200
    response = client.post(reverse("calendars:revoke"), follow=True)
    assert "turned off" in response.content.decode()
    assert fetch(new).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_only_a_digest_of_the_address_is_stored(pair):
    url = issue_address(signed_in(pair.mentee))
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get()
    assert token not in feed.token_hash and len(feed.token_hash) == 64


@pytest.mark.parametrize(
    "token", ["not-a-token", "x" * 65, "%00", "%E2%80%AE", "..%2F..%2Fetc", "a" * 43, "%0B%1B"]
)
def test_a_wrong_address_is_a_plain_404(pair, token):
    issue_address(signed_in(pair.mentee))
    response = Client().get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 404


def test_the_feed_costs_the_same_queries_for_3_or_60_entries(pair):
    url = issue_address(signed_in(pair.mentor))
    MeetingFactory.create_batch(3, mentorship=pair)
    fetch(url)  # the first read records the read time; compare steady-state reads
    with CaptureQueriesContext(connection) as few:
        fetch(url)
    for _ in range(19):
        other = MentorshipFactory(mentor=pair.mentor)
        MeetingFactory.create_batch(2, mentorship=other)
        RSVPFactory(person=pair.mentor)
    with CaptureQueriesContext(connection) as many:
        assert len(entries(fetch(url))) == 3 + 38 + 19
    assert len(many) == len(few)


def test_the_page_shows_the_address_once_and_keeps_it_out_of_caches(pair):
    client = signed_in(pair.mentee)
    page = client.get(reverse("calendars:settings"))
    assert "Make my calendar address" in page.content.decode()
    issued = client.post(reverse("calendars:issue"))
    assert "no-store" in issued["Cache-Control"]
    token = re.search(r'value="[^"]+/feed/([^"]+)\.ics"', issued.content.decode()).group(1)
    again = client.get(reverse("calendars:settings")).content.decode()
    assert token not in again
    assert "Make a new address" in again and "No calendar has read it yet" in again


def test_a_login_without_an_employee_record_is_sent_to_the_explanation():
    client = Client()
    client.force_login(UserFactory())
    response = client.post(reverse("calendars:issue"))
    assert response.status_code == 302 and response["Location"] == reverse("profiles:no-profile")
    assert not CalendarFeed.objects.exists()


def test_someone_elses_feed_is_not_reachable_from_my_session(pair):
    mentor_url = issue_address(signed_in(pair.mentor))
    stranger = PersonFactory()
    stranger_client = signed_in(stranger)
    issue_address(stranger_client)
    # A session changes nothing: the address alone decides whose calendar it is.
    body = stranger_client.get(mentor_url.split("127.0.0.1:8000", 1)[1]).content.decode()
    assert stranger.full_name not in body
