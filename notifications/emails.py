"""The reminder and notice e-mails, one function per e-mail.

Each renders templates/emails/<name>/{subject.txt, body.txt, body.html} through
mentorship.emails.send_templated. Times are written in the recipient's own time zone
(Person.time_zone); the .ics attachment carries UTC. Nudges carry a signed one-click
unsubscribe link and the List-Unsubscribe headers (RFC 8058); essential notices do not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from common import dates
from mentorship.emails import send_templated
from notifications import ics, selectors
from notifications.models import Delivery, Kind
from notifications.tokens import unsubscribe_url
from profiles.models import Person
from programs.models import RSVP, Cycle, Enrollment, Event, HelpRequest, Mentorship

# --- helpers -----------------------------------------------------------------------------------


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _url(name: str, *args: object, fallback: str = "/") -> str:
    try:
        return absolute(reverse(name, args=args))
    except NoReverseMatch:  # a page another app has not shipped yet: point at the home page
        return absolute(fallback)


def zone_of(person: Person | None) -> ZoneInfo:
    try:
        return ZoneInfo(person.time_zone if person and person.time_zone else settings.TIME_ZONE)
    except (KeyError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def local_when(start: datetime, end: datetime | None, person: Person | None) -> str:
    """'Tue 1 Dec 2026, 10:00–12:00 EST (America/New York)': the site's format, the person's zone."""
    zone = zone_of(person)
    with timezone.override(zone):
        text = dates.when_span(start, end)
        abbreviation = timezone.localtime(start).strftime("%Z")
    return f"{text} {abbreviation} ({str(zone).replace('_', ' ')})"


def local_day(day: object) -> str:
    return dates.when(day, "day")  # type: ignore[arg-type]


def _headers(delivery: Delivery) -> dict[str, str]:
    host = urlsplit(settings.SITE_URL).hostname or "mentorship.local"
    # The same Message-ID on a re-send lets mail systems drop the duplicate (the SMTP boundary).
    headers = {"Message-ID": f"<delivery-{delivery.pk}@{host}>"}
    if delivery.is_nudge and delivery.person_id:
        headers["List-Unsubscribe"] = f"<{absolute(unsubscribe_url(delivery.person))}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def _send(name: str, delivery: Delivery, context: dict, attachments: list | None = None) -> None:
    person = delivery.person
    context = {
        "person": person,
        "name": person.first_name if person else (delivery.user.get_full_name() if delivery.user else ""),
        "is_nudge": delivery.is_nudge,
        "unsubscribe_url": absolute(unsubscribe_url(person)) if delivery.is_nudge and person else "",
        "profile_url": _url("profiles:profile-edit"),
        **context,
    }
    # Dates and times in the body (`|when`) are in the recipient's zone, as on their pages.
    with timezone.override(zone_of(person)):
        send_templated(
            name, to=[delivery.email], context=context, attachments=attachments or [], headers=_headers(delivery)
        )


def _event_context(event: Event, person: Person | None) -> dict:
    return {
        "event": event,
        "when": local_when(event.starts_at, event.ends_at, person),
        "event_url": _url("programs:event-detail", event.pk),
    }


def _ics(event: Event, delivery: Delivery) -> list:
    name = delivery.person.full_name if delivery.person else ""
    return [ics.ics_attachment(event, attendee_email=delivery.email, attendee_name=name)]


# --- one function per e-mail -----------------------------------------------------------------------


def event_invitation(delivery: Delivery, event: Event) -> None:
    _send("event_invitation", delivery, _event_context(event, delivery.person), _ics(event, delivery))


def event_reminder(delivery: Delivery, event: Event) -> None:
    days = 7 if delivery.kind == Kind.EVENT_REMINDER_WEEK else 1
    answered = RSVP.objects.filter(event=event, person_id=delivery.person_id, status=RSVP.Status.GOING).exists()
    context = {**_event_context(event, delivery.person), "days": days, "going": answered}
    _send("event_reminder", delivery, context, _ics(event, delivery))


def event_changed(delivery: Delivery, event: Event) -> None:
    _send("event_changed", delivery, _event_context(event, delivery.person), _ics(event, delivery))


def event_cancelled(delivery: Delivery, event: Event) -> None:
    _send("event_cancelled", delivery, _event_context(event, delivery.person), _ics(event, delivery))


def rsvp_promoted(delivery: Delivery, rsvp: RSVP) -> None:
    event = rsvp.event
    _send("rsvp_promoted", delivery, {**_event_context(event, delivery.person), "rsvp": rsvp}, _ics(event, delivery))


def applications_open(delivery: Delivery, cycle: Cycle) -> None:
    _send("applications_open", delivery, _cycle_context(cycle))


def applications_closing(delivery: Delivery, cycle: Cycle) -> None:
    _send("applications_closing", delivery, _cycle_context(cycle))


def _cycle_context(cycle: Cycle) -> dict:
    return {
        "cycle": cycle,
        "program": cycle.program,
        "closes_on": local_day(cycle.applications_close_on),
        "starts_on": local_day(cycle.starts_on),
        "apply_url": _url("programs:apply-list"),
        "choice_deadline": local_day(cycle.choice_deadline) if cycle.choice_deadline else "",
        "choose_url": _url("matching:choice", cycle.pk),
    }


def enrollment_decision(delivery: Delivery, enrollment: Enrollment) -> None:
    context = {
        "enrollment": enrollment,
        "cycle": enrollment.cycle,
        "program": enrollment.cycle.program,
        "status": delivery.variant,
        "home_url": _url("programs:participant-home"),
    }
    _send("enrollment_decision", delivery, context)


def matched(delivery: Delivery, mentorship: Mentorship) -> None:
    is_mentor = delivery.person_id == mentorship.mentor_id
    partner = mentorship.mentee if is_mentor else mentorship.mentor
    context = {
        "mentorship": mentorship,
        "is_mentor": is_mentor,
        "partner": partner,
        "cycle": mentorship.cycle,
        "pair_url": _url("programs:mentorship-detail", mentorship.pk),
    }
    _send("matched", delivery, context)


def choice_deadline(delivery: Delivery, cycle: Cycle) -> None:
    _send("choice_deadline", delivery, _cycle_context(cycle))


def meeting_nudge_mentor(delivery: Delivery, mentorship: Mentorship) -> None:
    _send("meeting_nudge_mentor", delivery, _pair_context(delivery, mentorship))


def meeting_nudge_mentee(delivery: Delivery, mentorship: Mentorship) -> None:
    _send("meeting_nudge_mentee", delivery, _pair_context(delivery, mentorship))


def _pair_context(delivery: Delivery, mentorship: Mentorship) -> dict:
    weeks = max(1, (timezone.localdate() - mentorship.lapse_start).days // 7)
    return {
        "mentorship": mentorship,
        "mentor": mentorship.mentor,
        "mentee": mentorship.mentee,
        "weeks": weeks,
        "pair_url": _url("programs:mentorship-detail", mentorship.pk),
        "schedule_url": _url("programs:meeting-schedule", mentorship.pk),
    }


def help_requested(delivery: Delivery, help_request: HelpRequest) -> None:
    context = {
        "help_request": help_request,
        "mentorship": help_request.mentorship,
        "requested_by": help_request.requested_by,
        "coordinate_url": _url("programs:coordinator-home"),
    }
    _send("help_requested", delivery, context)


def coordinator_digest(delivery: Delivery, user: Model) -> None:
    from notifications.services.digest import digest_for

    context = {"digest": digest_for(user=user, now=timezone.now()), "coordinate_url": _url("programs:coordinator-home")}
    _send("coordinator_digest", delivery, context)


def send_survey_reminder(delivery: Delivery, invitation: Model) -> None:
    from surveys import tokens

    survey = invitation.survey
    context = {
        "survey": survey,
        "program": survey.cycle.program,
        "link": tokens.link_for(invitation),
        "closes_on": local_day(survey.closes_on),
        "last_day": survey.closes_on == timezone.localdate(),
        "anonymous": survey.anonymous,
    }
    _send("reminder_survey", delivery, context)


# --- dispatch ----------------------------------------------------------------------------------

SENDERS: dict[str, Callable[[Delivery, Model], None]] = {
    Kind.EVENT_INVITATION: event_invitation,
    Kind.EVENT_REMINDER_WEEK: event_reminder,
    Kind.EVENT_REMINDER_DAY: event_reminder,
    Kind.EVENT_CHANGED: event_changed,
    Kind.EVENT_CANCELLED: event_cancelled,
    Kind.RSVP_PROMOTED: rsvp_promoted,
    Kind.APPLICATIONS_OPEN: applications_open,
    Kind.APPLICATIONS_CLOSING: applications_closing,
    Kind.ENROLLMENT_DECISION: enrollment_decision,
    Kind.MATCHED: matched,
    Kind.CHOICE_DEADLINE: choice_deadline,
    Kind.MEETING_NUDGE_MENTOR: meeting_nudge_mentor,
    Kind.MEETING_NUDGE_MENTEE: meeting_nudge_mentee,
    Kind.HELP_REQUESTED: help_requested,
    Kind.COORDINATOR_DIGEST: coordinator_digest,
}


# What each e-mail reads from the object, fetched with it in one query.
RELATED = {
    "event": ("program", "cycle"),
    "cycle": ("program",),
    "enrollment": ("cycle__program", "person"),
    "mentorship": ("cycle__program", "mentor", "mentee"),
    "rsvp": ("event",),
    "helprequest": ("mentorship__cycle", "mentorship__mentor", "mentorship__mentee", "requested_by"),
    "invitation": ("survey__cycle__program",),
}


def load_subject(delivery: Delivery) -> Model | None:
    """The object a delivery is about, fresh from the database (None if it was deleted)."""
    content_type = ContentType.objects.get_for_id(delivery.content_type_id)
    model = content_type.model_class()
    if model is None:
        return None
    qs = model._default_manager.filter(pk=delivery.object_id)
    related = RELATED.get(content_type.model)
    if related:
        qs = qs.select_related(*related)
    obj = qs.first()
    if isinstance(obj, Mentorship):
        # Read once, by the staleness check and by the e-mail.
        obj.lapse_start = _lapse_start(obj)
    return obj


def _lapse_start(mentorship: Mentorship) -> object:
    row = (
        selectors.pairs_with_last_meeting(now=timezone.now())
        .filter(pk=mentorship.pk)
        .values_list("last_met", "counts_from")
        .first()
    )
    if row is None:
        return mentorship.started_on
    return selectors.lapse_start(last_met=row[0], counts_from=row[1])


def still_due(delivery: Delivery, obj: Model | None, *, now: datetime) -> str:
    """Why a claimed message should no longer go out ('' if it should). Fresh state decides."""
    from notifications.services.surveys import survey_still_due

    person = delivery.person
    if person is not None:
        if person.separated_on or person.anonymised_at:
            return "recipient left"
        if delivery.is_nudge and not person.receives_nudges:
            return "recipient turned nudges off"
    if obj is None:
        return "object deleted"
    kind = delivery.kind
    if kind in (Kind.EVENT_INVITATION, Kind.EVENT_REMINDER_WEEK, Kind.EVENT_REMINDER_DAY, Kind.EVENT_CHANGED):
        if obj.is_cancelled:
            return "event cancelled"
        if obj.starts_at <= now:
            return "event started"
    if kind in (Kind.EVENT_REMINDER_WEEK, Kind.EVENT_REMINDER_DAY):
        declined = RSVP.objects.filter(
            event=obj, person_id=delivery.person_id, status__in=[RSVP.Status.NOT_GOING, RSVP.Status.WAITLIST]
        )
        if declined.exists():
            return "declined"
    if kind == Kind.EVENT_CHANGED and delivery.variant != str(obj.sequence):
        return "superseded by a later change"
    if kind == Kind.RSVP_PROMOTED and (obj.status != RSVP.Status.GOING or obj.event.is_cancelled):
        return "no longer going"
    if kind == Kind.ENROLLMENT_DECISION and obj.status != delivery.variant:
        return "decision changed since; the newer one is told"
    if kind == Kind.MATCHED and obj.status != Mentorship.Status.ACTIVE:
        return "pair ended"
    if kind in (Kind.APPLICATIONS_OPEN, Kind.APPLICATIONS_CLOSING):
        if not obj.accepts_applications(timezone.localdate(now)):
            return "applications closed"
        if Enrollment.objects.filter(cycle=obj, person_id=delivery.person_id).exists():
            return "already applied"
    if kind == Kind.CHOICE_DEADLINE:
        if obj.choice_deadline is None or obj.choice_deadline < timezone.localdate(now):
            return "deadline passed"
        if not selectors.mentees_yet_to_choose(obj).filter(pk=delivery.person_id).exists():
            return "already paired"
    if kind in (Kind.MEETING_NUDGE_MENTOR, Kind.MEETING_NUDGE_MENTEE):
        if obj.status != Mentorship.Status.ACTIVE:
            return "pair ended"
        weeks = (
            settings.PAIR_AT_RISK_WEEKS
            if kind == Kind.MEETING_NUDGE_MENTOR
            else settings.REMINDER_MENTEE_NUDGE_WEEKS
        )
        if obj.lapse_start + timedelta(weeks=weeks) > timezone.localdate(now):
            return "met since"
    if kind in (Kind.SURVEY_INVITATION, Kind.SURVEY_REMINDER):
        return survey_still_due(delivery, obj, now=now)
    return ""


def render_and_send(delivery: Delivery, obj: Model, *, now: datetime) -> None:
    if delivery.kind in (Kind.SURVEY_INVITATION, Kind.SURVEY_REMINDER):
        from notifications.services.surveys import survey_send

        survey_send(delivery, obj)
        return
    SENDERS[delivery.kind](delivery, obj)
