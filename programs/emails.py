"""E-mails of the programs app, one function per e-mail (templates/emails/<name>/).

Each is rendered now, in the recipient's time zone (dates through common.dates.when, as on
their pages), and recorded in the delivery ledger (common.mail) inside the caller's
transaction; a worker sends it after commit. Nothing here talks to SMTP.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from common.dates import when_span
from common.mail import Mail, compose, mail_queue
from profiles.models import Person
from programs.models import HelpReply, MeetingRequest


def _compose_for(person: Person, template: str, context: dict[str, Any]):
    with timezone.override(person.time_zone or settings.TIME_ZONE):
        return compose(template, {"name": person.first_name, **context})


def _mail(kind: str, person: Person, about: Any, program_id: int, message: Any, by: Any = None) -> Mail:
    return Mail(
        kind=kind,
        to=person.email if person.separated_on is None else "",
        about=about,
        person_id=person.pk,
        user_id=person.user_id,
        program_id=program_id,
        requested_by_id=getattr(by, "pk", None),
        message=message,
    )


def help_reply(reply: HelpReply) -> int:
    """The coordinator's reply, to the participant who asked."""
    help_request = reply.help_request
    mentorship = help_request.mentorship
    person = help_request.requested_by
    message = _compose_for(
        person,
        "help_reply",
        {
            "reply": reply,
            "help_request": help_request,
            "mentorship": mentorship,
            "pair_path": reverse("programs:mentorship-detail", args=[mentorship.pk]) + "#requests",
        },
    )
    return mail_queue(_mail("help_reply", person, reply, mentorship.cycle.program_id, message, reply.author))


def _meeting_context(meeting_request: MeetingRequest) -> dict[str, Any]:
    mentorship = meeting_request.mentorship
    end = meeting_request.starts_at + timedelta(minutes=meeting_request.duration_minutes)
    return {
        "meeting_request": meeting_request,
        "mentorship": mentorship,
        "pair_path": reverse("programs:mentorship-detail", args=[mentorship.pk]) + "#meeting-requests",
        "end": end,
    }


def _when(person: Person, meeting_request: MeetingRequest, end: Any) -> str:
    with timezone.override(person.time_zone or settings.TIME_ZONE):
        return when_span(meeting_request.starts_at, end, "day zone")


def meeting_requested(meeting_request: MeetingRequest) -> int:
    """To the mentor: the mentee proposes a time."""
    mentor = meeting_request.mentorship.mentor
    context = _meeting_context(meeting_request)
    context["when"] = _when(mentor, meeting_request, context["end"])
    message = _compose_for(mentor, "meeting_requested", context)
    return mail_queue(
        _mail("meeting_requested", mentor, meeting_request, meeting_request.mentorship.cycle.program_id, message)
    )


def meeting_request_answered(meeting_request: MeetingRequest) -> int:
    """Accepted: to both (the meeting is on their calendar feeds). Declined: to the mentee."""
    mentorship = meeting_request.mentorship
    accepted = meeting_request.status == MeetingRequest.Status.ACCEPTED
    kind = "meeting_request_accepted" if accepted else "meeting_request_declined"
    people = [mentorship.mentee, mentorship.mentor] if accepted else [mentorship.mentee]
    mails = []
    for person in people:
        context = _meeting_context(meeting_request)
        context["when"] = _when(person, meeting_request, context["end"])
        context["is_mentor"] = person.pk == mentorship.mentor_id
        context["calendar_path"] = reverse("calendars:settings")
        message = _compose_for(person, kind, context)
        mails.append(_mail(kind, person, meeting_request, mentorship.cycle.program_id, message))
    return mail_queue(*mails)
