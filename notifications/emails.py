"""The reminder and notice e-mails, one function per e-mail.

Each renders templates/emails/<name>/{subject.txt, body.txt, body.html} through
mentorship.emails.build_templated and returns the message; notifications/services/sending.py
sends it. Times are written in the recipient's own time zone
(Person.time_zone); the .ics attachment carries UTC. Nudges carry a signed one-click
unsubscribe link and the List-Unsubscribe headers (RFC 8058); essential notices do not.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from circles.models import CircleMember
from common import dates
from flash.models import FlashConversation
from mentorship.emails import build_templated
from notifications import ics, selectors
from notifications.models import Delivery, Kind
from notifications.tokens import unsubscribe_url
from profiles.models import Person
from programs.models import RSVP, Cycle, Enrollment, Event, HelpRequest, Mentorship

# --- helpers -----------------------------------------------------------------------------------


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _url(name: str, *args: object) -> str:
    # No fallback: a link to a page that does not exist must fail the tests (tests/test_links.py),
    # not quietly become a link to the home page.
    return absolute(reverse(name, args=args))


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


def message_id_for(delivery_id: int) -> str:
    """A new Message-ID for a delivery; stored on the row before the first SMTP call, so every
    re-send carries the same one and mail systems can drop the copy (the SMTP boundary)."""
    host = urlsplit(settings.SITE_URL).hostname or "mentorship.local"
    return f"<delivery-{delivery_id}.{secrets.token_hex(6)}@{host}>"


def _headers(delivery: Delivery) -> dict[str, str]:
    headers = {"Message-ID": delivery.message_id}
    if delivery.is_nudge and delivery.person_id:
        headers["List-Unsubscribe"] = f"<{absolute(unsubscribe_url(delivery.person))}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def _send(name: str, delivery: Delivery, context: dict, attachments: list | None = None) -> EmailMessage:
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
        return build_templated(
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


def event_invitation(delivery: Delivery, event: Event) -> EmailMessage:
    return _send("event_invitation", delivery, _event_context(event, delivery.person), _ics(event, delivery))


def event_reminder(delivery: Delivery, event: Event) -> EmailMessage:
    days = 7 if delivery.kind == Kind.EVENT_REMINDER_WEEK else 1
    answered = RSVP.objects.filter(event=event, person_id=delivery.person_id, status=RSVP.Status.GOING).exists()
    context = {**_event_context(event, delivery.person), "days": days, "going": answered}
    return _send("event_reminder", delivery, context, _ics(event, delivery))


def event_changed(delivery: Delivery, event: Event) -> EmailMessage:
    return _send("event_changed", delivery, _event_context(event, delivery.person), _ics(event, delivery))


def event_cancelled(delivery: Delivery, event: Event) -> EmailMessage:
    return _send("event_cancelled", delivery, _event_context(event, delivery.person), _ics(event, delivery))


def rsvp_promoted(delivery: Delivery, rsvp: RSVP) -> EmailMessage:
    event = rsvp.event
    return _send("rsvp_promoted", delivery, {**_event_context(event, delivery.person), "rsvp": rsvp}, _ics(event, delivery))


def applications_open(delivery: Delivery, cycle: Cycle) -> EmailMessage:
    return _send("applications_open", delivery, _cycle_context(cycle))


def applications_closing(delivery: Delivery, cycle: Cycle) -> EmailMessage:
    return _send("applications_closing", delivery, _cycle_context(cycle))


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


def enrollment_decision(delivery: Delivery, enrollment: Enrollment) -> EmailMessage:
    context = {
        "enrollment": enrollment,
        "cycle": enrollment.cycle,
        "program": enrollment.cycle.program,
        "status": delivery.variant,
        "home_url": _url("programs:participant-home"),
    }
    return _send("enrollment_decision", delivery, context)


def matched(delivery: Delivery, mentorship: Mentorship) -> EmailMessage:
    is_mentor = delivery.person_id == mentorship.mentor_id
    partner = mentorship.mentee if is_mentor else mentorship.mentor
    context = {
        "mentorship": mentorship,
        "is_mentor": is_mentor,
        "partner": partner,
        "cycle": mentorship.cycle,
        "pair_url": _url("programs:mentorship-detail", mentorship.pk),
    }
    return _send("matched", delivery, context)


def choice_deadline(delivery: Delivery, cycle: Cycle) -> EmailMessage:
    return _send("choice_deadline", delivery, _cycle_context(cycle))


def meeting_nudge_mentor(delivery: Delivery, mentorship: Mentorship) -> EmailMessage:
    return _send("meeting_nudge_mentor", delivery, _pair_context(delivery, mentorship))


def meeting_nudge_mentee(delivery: Delivery, mentorship: Mentorship) -> EmailMessage:
    return _send("meeting_nudge_mentee", delivery, _pair_context(delivery, mentorship))


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


def help_requested(delivery: Delivery, help_request: HelpRequest) -> EmailMessage:
    context = {
        "help_request": help_request,
        "mentorship": help_request.mentorship,
        "requested_by": help_request.requested_by,
        "coordinate_url": _url("programs:coordinator-home"),
    }
    return _send("help_requested", delivery, context)


def coordinator_digest(delivery: Delivery, user: Model) -> EmailMessage:
    from notifications.services.digest import digest_for

    context = {"digest": digest_for(user=user, now=timezone.now()), "coordinate_url": _url("programs:coordinator-home")}
    return _send("coordinator_digest", delivery, context)


def survey_invitation(delivery: Delivery, invitation: Model) -> EmailMessage:
    from surveys import tokens

    survey = invitation.survey
    context = {
        "survey": survey,
        "program": survey.cycle.program,
        "link": tokens.link_for(invitation),
        "closes_on": survey.closes_on,
        "anonymous": survey.anonymous,
        "about_pair": invitation.mentorship_id is not None,
    }
    message = _send("survey_invitation", delivery, context)
    # The link signs the person in to this one survey; keep it out of auto-forwarding rules.
    message.extra_headers["X-Auto-Response-Suppress"] = "All"
    return message


def send_survey_reminder(delivery: Delivery, invitation: Model) -> EmailMessage:
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
    return _send("reminder_survey", delivery, context)


def _flash_context(delivery: Delivery, conversation: FlashConversation) -> dict:
    is_expert = delivery.person_id == conversation.expert_id
    other = conversation.requester if is_expert else conversation.expert
    context = {
        "conversation": conversation, "is_expert": is_expert, "other": other,
        "mine_url": _url("flash:mine"), "accept_url": _url("flash:accept", conversation.pk),
    }
    if conversation.starts_at:
        context["when"] = local_when(conversation.starts_at, conversation.ends_at, delivery.person)
    return context


def flash_requested(delivery: Delivery, conversation: FlashConversation) -> EmailMessage:
    return _send("flash_requested", delivery, _flash_context(delivery, conversation))


def flash_accepted(delivery: Delivery, conversation: FlashConversation) -> EmailMessage:
    name = delivery.person.full_name if delivery.person else ""
    attachment = ics.flash_ics_attachment(conversation, attendee_email=delivery.email, attendee_name=name)
    return _send("flash_accepted", delivery, _flash_context(delivery, conversation), [attachment])


def flash_declined(delivery: Delivery, conversation: FlashConversation) -> EmailMessage:
    return _send("flash_declined", delivery, _flash_context(delivery, conversation))


def circle_joined(delivery: Delivery, member: CircleMember) -> EmailMessage:
    circle = member.circle
    mentors = [m.person for m in circle.members.filter(role=CircleMember.Role.MENTOR, left_on__isnull=True)
               .select_related("person")]
    context = {"circle": circle, "cycle": circle.cycle, "mentors": mentors,
               "circle_url": _url("circles:detail", circle.pk)}
    return _send("circle_joined", delivery, context)


# --- dispatch ----------------------------------------------------------------------------------

SENDERS: dict[str, Callable[[Delivery, Model], EmailMessage]] = {
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
    Kind.FLASH_REQUESTED: flash_requested,
    Kind.FLASH_ACCEPTED: flash_accepted,
    Kind.FLASH_DECLINED: flash_declined,
    Kind.CIRCLE_JOINED: circle_joined,
    Kind.SURVEY_INVITATION: survey_invitation,
    Kind.SURVEY_REMINDER: send_survey_reminder,
}


# What each e-mail reads from the object, fetched with it in one query.
RELATED = {
    "programs.event": ("program", "cycle"),
    "programs.cycle": ("program",),
    "programs.enrollment": ("cycle__program", "person"),
    "programs.mentorship": ("cycle__program", "mentor", "mentee"),
    "programs.rsvp": ("event",),
    "programs.helprequest": ("mentorship__cycle", "mentorship__mentor", "mentorship__mentee", "requested_by"),
    "surveys.invitation": ("survey__cycle__program",),
    "flash.flashconversation": ("requester", "expert", "skill"),
    "circles.circlemember": ("circle__cycle", "person"),
}


def load_subject(delivery: Delivery) -> Model | None:
    """The object a delivery is about, fresh from the database (None if it was deleted)."""
    content_type = ContentType.objects.get_for_id(delivery.content_type_id)
    model = content_type.model_class()
    if model is None:
        return None
    qs = model._default_manager.filter(pk=delivery.object_id)
    related = RELATED.get(f"{content_type.app_label}.{content_type.model}")
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


def render(delivery: Delivery, obj: Model) -> EmailMessage:
    """The message of a derived delivery, from the object's current state (not sent)."""
    return SENDERS[delivery.kind](delivery, obj)


def composed(delivery: Delivery) -> EmailMessage:
    """The message another app rendered when it asked (common.mail), as it was rendered."""
    from django.core.mail import EmailMultiAlternatives

    from common.mail import unseal

    message = unseal(delivery.payload)
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        headers={**message.headers, "Message-ID": delivery.message_id},
    )
    if message.html and not message.text:
        mail.body, mail.content_subtype = message.html, "html"
    elif message.html:
        mail.attach_alternative(message.html, "text/html")
    return mail
