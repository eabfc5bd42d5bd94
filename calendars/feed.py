"""The body of a calendar feed (RFC 5545): what a person has said they will be at.

A subscribed calendar re-reads the whole feed every few hours and replaces what it holds, so an
entry is stable only if its UID is: meetings and events each keep one UID for life (the event's
is the one its e-mailed invitation carries) and a SEQUENCE that their services raise on every
change. A cancelled meeting or event stays in the feed as STATUS:CANCELLED for the same reason
an e-mailed CANCEL exists: clients that cached it learn it is off, not merely missing.

What is deliberately left out: private meeting notes, goals, anyone else's pairs. The feed is
readable by whoever holds the address, so it carries no more than a calendar invitation would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as ICalEvent

from circles.selectors import feed_sessions
from flash.models import FlashConversation
from notifications.ics import calendar_host, circle_session_entry, event_entry, flash_entry
from profiles.models import Person
from programs.models import RSVP, Event, Meeting

# How far back the feed reaches: enough for "when did we last meet?", small enough to stay quick.
HISTORY = timedelta(days=180)
# Outlook and Google honour these hints (they poll on their own schedule regardless).
REFRESH_INTERVAL = timedelta(hours=4)


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{calendar_host()}"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def feed_meetings(person: Person, since: datetime) -> list[Meeting]:
    return list(
        Meeting.objects.filter(Q(mentorship__mentor=person) | Q(mentorship__mentee=person), scheduled_at__gte=since)
        .select_related("mentorship__mentor", "mentorship__mentee")
        .order_by("scheduled_at", "pk")
    )


def feed_events(person: Person, since: datetime) -> list[Event]:
    return list(
        Event.objects.filter(rsvps__person=person, rsvps__status=RSVP.Status.GOING, ends_at__gte=since)
        .order_by("starts_at", "pk")
    )


def feed_flash(person: Person, since: datetime) -> list[FlashConversation]:
    return list(
        FlashConversation.objects.filter(
            Q(requester=person) | Q(expert=person), status=FlashConversation.Status.ACCEPTED, starts_at__gte=since
        )
        .select_related("requester", "expert", "skill")
        .order_by("starts_at", "pk")
    )


def _flash_entry(conversation: FlashConversation, person: Person, stamp: datetime) -> ICalEvent:
    other = conversation.expert if conversation.requester_id == person.pk else conversation.requester
    entry = flash_entry(conversation, stamp=stamp, summary=f"Flash conversation with {other.full_name}: {conversation.skill.name}")
    entry.add("url", _absolute(reverse("flash:mine")))
    return entry


def _meeting_entry(meeting: Meeting, person: Person, stamp: datetime) -> ICalEvent:
    pair = meeting.mentorship
    other = pair.mentee if pair.mentor_id == person.pk else pair.mentor
    entry = ICalEvent()
    entry.add("uid", meeting_uid(meeting))
    entry.add("sequence", meeting.sequence)
    entry.add("dtstamp", stamp)
    entry.add("dtstart", meeting.scheduled_at.astimezone(UTC))
    entry.add("dtend", (meeting.scheduled_at + timedelta(minutes=meeting.duration_minutes)).astimezone(UTC))
    entry.add("summary", f"Mentoring meeting with {other.full_name}")
    entry.add("location", meeting.get_meeting_format_display())
    link = _absolute(reverse("programs:mentorship-detail", args=[pair.pk]))
    entry.add("description", f"{meeting.get_meeting_format_display()}, {meeting.duration_minutes} minutes.\n{link}")
    entry.add("url", link)
    entry.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    return entry


def _event_entry(event: Event, stamp: datetime) -> ICalEvent:
    entry = event_entry(event, stamp=stamp)  # the invitation's VEVENT, so both stay alike
    if "url" not in entry:
        entry.add("url", _absolute(reverse("programs:event-detail", args=[event.pk])))
    return entry


def person_calendar(person: Person, *, now: datetime | None = None) -> bytes:
    """The feed for `person`: meetings, events they are going to, flash conversations and the
    sessions of their circles; four queries."""
    stamp = (now or timezone.now()).astimezone(UTC)
    since = stamp - HISTORY
    cal = Calendar()
    cal.add("prodid", "-//Mentorship program//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # A subscription, not an invitation: PUBLISH tells clients there is nothing to reply to.
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Mentorship")
    cal.add("x-published-ttl", "PT4H")  # Outlook reads this one; it has no type, so spelt out
    cal.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    for meeting in feed_meetings(person, since):
        cal.add_component(_meeting_entry(meeting, person, stamp))
    for event in feed_events(person, since):
        cal.add_component(_event_entry(event, stamp))
    for conversation in feed_flash(person, since):
        cal.add_component(_flash_entry(conversation, person, stamp))
    for session in feed_sessions(person, since):
        link = _absolute(reverse("circles:detail", args=[session.circle_id]))
        cal.add_component(circle_session_entry(session, stamp=stamp, url=link))
    return cal.to_ical()
