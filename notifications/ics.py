"""iCalendar (.ics) attachments for event e-mails (RFC 5545 / iTIP RFC 5546).

The UID is stable per event, so calendars update the entry they already hold; SEQUENCE is the
event's sequence, bumped by programs on every change of time or place; times are in UTC (the
calendar shows them in the reader's zone, the e-mail body spells out the recipient's zone).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as ICalEvent

from circles.models import CircleSession
from flash.models import FlashConversation
from programs.models import Event


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{calendar_host()}"


def calendar_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "mentorship.local"


def event_entry(event: Event, *, stamp: datetime) -> ICalEvent:
    """The event as a VEVENT: the same for its e-mailed invitation and the calendar feeds."""
    entry = ICalEvent()
    entry.add("uid", event_uid(event))
    entry.add("sequence", event.sequence)
    entry.add("dtstamp", stamp.astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", event.title)
    if event.location:
        entry.add("location", event.location)
    description = event.description or ""
    if event.video_url:
        description = f"{description}\n\nJoin: {event.video_url}".strip()
        entry.add("url", event.video_url)
    if description:
        entry.add("description", description)
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return entry


def flash_uid(conversation: FlashConversation) -> str:
    return f"flash-{conversation.pk}@{calendar_host()}"


def flash_entry(conversation: FlashConversation, *, stamp: datetime, summary: str) -> ICalEvent:
    """An accepted flash conversation as a VEVENT (the invitation and the feeds share its UID)."""
    entry = ICalEvent()
    entry.add("uid", flash_uid(conversation))
    entry.add("sequence", conversation.sequence)
    entry.add("dtstamp", stamp.astimezone(UTC))
    entry.add("dtstart", conversation.starts_at.astimezone(UTC))
    entry.add("dtend", conversation.ends_at.astimezone(UTC))
    entry.add("summary", summary)
    if conversation.expert_message:
        entry.add("description", conversation.expert_message)
    entry.add("status", "CONFIRMED")
    return entry


def circle_session_uid(session: CircleSession) -> str:
    return f"circle-session-{session.pk}@{calendar_host()}"


def circle_session_entry(session: CircleSession, *, stamp: datetime, url: str = "") -> ICalEvent:
    """A session of a mentoring circle as a VEVENT: one UID for life, the session's SEQUENCE
    (raised by circles.services on every change), CANCELLED kept in place."""
    entry = ICalEvent()
    entry.add("uid", circle_session_uid(session))
    entry.add("sequence", session.sequence)
    entry.add("dtstamp", stamp.astimezone(UTC))
    entry.add("dtstart", session.scheduled_at.astimezone(UTC))
    entry.add("dtend", (session.scheduled_at + timedelta(minutes=session.duration_minutes)).astimezone(UTC))
    entry.add("summary", f"Mentoring circle: {session.circle.topic} ({session.title})")
    entry.add("location", session.place or session.get_meeting_format_display())
    description = f"{session.get_meeting_format_display()}, {session.duration_minutes} minutes."
    if url:
        description = f"{description}\n{url}"
        entry.add("url", url)
    entry.add("description", description)
    entry.add("status", "CANCELLED" if session.status == CircleSession.Status.CANCELLED else "CONFIRMED")
    return entry


def _invitation(entry: ICalEvent, *, method: str, prodid: str, attendee_email: str, attendee_name: str) -> bytes:
    """One attendee's iTIP message around `entry`: organizer, attendee and METHOD."""
    cal = Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("method", method)
    _, from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{from_address}")
    organizer.params["cn"] = vText("Mentorship program")
    entry.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    if attendee_name:
        attendee.params["cn"] = vText(attendee_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = vText("FALSE")
    entry.add("attendee", attendee)
    cal.add_component(entry)
    return cal.to_ical()


def event_ics(event: Event, *, attendee_email: str, attendee_name: str = "", now: datetime | None = None) -> bytes:
    """The calendar entry for one attendee: METHOD:REQUEST, or METHOD:CANCEL once cancelled."""
    return _invitation(
        event_entry(event, stamp=now or timezone.now()),
        method="CANCEL" if event.is_cancelled else "REQUEST",
        prodid="-//Mentorship program//Reminders//EN",
        attendee_email=attendee_email, attendee_name=attendee_name,
    )


def flash_ics(conversation: FlashConversation, *, attendee_email: str, attendee_name: str = "", now: datetime | None = None) -> bytes:
    """The accepted conversation as a calendar entry; the same UID the calendar feed carries."""
    summary = f"Flash conversation: {conversation.skill.name} ({conversation.requester.full_name} and {conversation.expert.full_name})"
    return _invitation(
        flash_entry(conversation, stamp=now or timezone.now(), summary=summary),
        method="REQUEST", prodid="-//Mentorship program//Flash conversations//EN",
        attendee_email=attendee_email, attendee_name=attendee_name,
    )


def flash_ics_attachment(conversation: FlashConversation, *, attendee_email: str, attendee_name: str = "") -> tuple[str, bytes, str]:
    body = flash_ics(conversation, attendee_email=attendee_email, attendee_name=attendee_name)
    return ("conversation.ics", body, "text/calendar; method=REQUEST; charset=utf-8")


def ics_attachment(event: Event, *, attendee_email: str, attendee_name: str = "") -> tuple[str, bytes, str]:
    method = "CANCEL" if event.is_cancelled else "REQUEST"
    return (
        "event.ics",
        event_ics(event, attendee_email=attendee_email, attendee_name=attendee_name),
        f"text/calendar; method={method}; charset=utf-8",
    )
