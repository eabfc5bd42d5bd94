"""Meeting times the mentee proposes. The mentor schedules the pair's meetings, so a proposal
becomes a meeting only when the mentor accepts it, through meetings.meeting_schedule (the one
way a meeting is scheduled: its calendar entry, feeds and SEQUENCE work as for any other)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from common.text import clean_text
from profiles.models import Person
from programs import emails
from programs.models import MeetingRequest, Mentorship
from programs.services.meetings import _check_format, _check_length, meeting_schedule

MAX_PENDING = 3  # proposals waiting at once: enough to offer a choice, not a flood of mail


def _clean_note(note: str) -> str:
    return " ".join(clean_text(note).split())[:500]


@transaction.atomic
def meeting_request_create(
    *,
    mentorship: Mentorship,
    by: Person,
    starts_at: datetime,
    duration_minutes: int,
    meeting_format: str,
    note: str = "",
) -> MeetingRequest:
    """The mentee proposes a time; the mentor is told by e-mail."""
    # Locked so a double submit is judged after the first one is in.
    mentorship = (
        Mentorship.objects.select_for_update().select_related("cycle", "mentor", "mentee").get(pk=mentorship.pk)
    )
    if mentorship.role_of(by) != "mentee":
        raise ValidationError("Only the mentee proposes meeting times; the mentor schedules meetings directly.")
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ValidationError("This pair has ended, so no more meetings can be proposed.")
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "Choose a date and time in the future."})
    _check_length(duration_minutes)
    _check_format(meeting_format)
    # Times that have passed unanswered no longer count: they cannot be accepted any more.
    pending = MeetingRequest.objects.filter(
        mentorship=mentorship, status=MeetingRequest.Status.PENDING, starts_at__gt=timezone.now()
    )
    if pending.filter(starts_at=starts_at).exists():
        raise ValidationError({"starts_at": "You already proposed this time; your mentor has not answered yet."})
    if pending.count() >= MAX_PENDING:
        raise ValidationError(
            f"You have {MAX_PENDING} times waiting for your mentor's answer. Wait for an answer, or withdraw one first."
        )
    meeting_request = MeetingRequest.objects.create(
        mentorship=mentorship,
        proposed_by=by,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        meeting_format=meeting_format,
        note=_clean_note(note),
    )
    emails.meeting_requested(meeting_request)
    return meeting_request


def _pending_for(meeting_request: MeetingRequest) -> MeetingRequest:
    locked = (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("mentorship__cycle", "mentorship__mentor", "mentorship__mentee")
        .get(pk=meeting_request.pk)
    )
    if locked.status != MeetingRequest.Status.PENDING:
        raise ValidationError(f"This proposal was already answered ({locked.get_status_display().lower()}).")
    return locked


@transaction.atomic
def meeting_request_accept(*, meeting_request: MeetingRequest, by: Person, note: str = "") -> MeetingRequest:
    """The mentor accepts: the meeting is scheduled and both are told."""
    locked = _pending_for(meeting_request)
    if locked.mentorship.role_of(by) != "mentor":
        raise ValidationError("Only the mentor accepts a proposed time.")
    if locked.starts_at <= timezone.now():
        raise ValidationError("This time has passed. Decline it with a note, or schedule another time.")
    locked.meeting = meeting_schedule(
        mentorship=locked.mentorship,
        by=by,
        scheduled_at=locked.starts_at,
        meeting_format=locked.meeting_format,
        duration_minutes=locked.duration_minutes,
    )
    locked.status, locked.responded_at, locked.response_note = (
        MeetingRequest.Status.ACCEPTED,
        timezone.now(),
        _clean_note(note),
    )
    locked.save(update_fields=["meeting", "status", "responded_at", "response_note"])
    emails.meeting_request_answered(locked)
    return locked


@transaction.atomic
def meeting_request_decline(*, meeting_request: MeetingRequest, by: Person, note: str) -> MeetingRequest:
    """The mentor declines, saying why or suggesting another time; the mentee is told."""
    locked = _pending_for(meeting_request)
    if locked.mentorship.role_of(by) != "mentor":
        raise ValidationError("Only the mentor declines a proposed time.")
    note = _clean_note(note)
    if not note:
        raise ValidationError({"note": "Say why, or suggest another time, so your mentee can propose again."})
    locked.status, locked.responded_at, locked.response_note = MeetingRequest.Status.DECLINED, timezone.now(), note
    locked.save(update_fields=["status", "responded_at", "response_note"])
    emails.meeting_request_answered(locked)
    return locked


@transaction.atomic
def meeting_request_withdraw(*, meeting_request: MeetingRequest, by: Person) -> MeetingRequest:
    """The mentee takes a proposal back before the mentor answers (nobody is mailed)."""
    locked = _pending_for(meeting_request)
    if locked.proposed_by_id != by.pk:
        raise ValidationError("Only the person who proposed this time can withdraw it.")
    locked.status, locked.responded_at = MeetingRequest.Status.WITHDRAWN, timezone.now()
    locked.save(update_fields=["status", "responded_at"])
    return locked
