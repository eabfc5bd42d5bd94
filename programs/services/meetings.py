"""Meetings of a pair: the mentor schedules them, logs them as held, or cancels them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from profiles.models import DevelopmentGoal, MeetingFormat, Person
from programs.models import Meeting, Mentorship

MIN_MINUTES, MAX_MINUTES = 5, 480


def _require_mentor(mentorship: Mentorship, person: Person) -> None:
    if mentorship.role_of(person) != "mentor":
        raise ValidationError("Only the mentor schedules and logs meetings.")
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ValidationError("This pair has ended, so no more meetings can be scheduled or logged.")


def _check_length(minutes: int) -> None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValidationError(f"A meeting lasts from {MIN_MINUTES} to {MAX_MINUTES} minutes.")


def _check_format(meeting_format: str) -> None:
    if meeting_format not in MeetingFormat.values:
        raise ValidationError("Choose in person, video call or phone.")


def _check_goals(mentorship: Mentorship, goals: Iterable[DevelopmentGoal]) -> list[DevelopmentGoal]:
    goal_list = list(goals)
    if any(goal.person_id != mentorship.mentee_id for goal in goal_list):
        raise ValidationError("Goals touched must come from the mentee's development plan.")
    return goal_list


@transaction.atomic
def meeting_schedule(
    *, mentorship: Mentorship, by: Person, scheduled_at: datetime, meeting_format: str, duration_minutes: int
) -> Meeting:
    _require_mentor(mentorship, by)
    if scheduled_at <= timezone.now():
        raise ValidationError({"scheduled_at": "Choose a date and time in the future."})
    _check_length(duration_minutes)
    _check_format(meeting_format)
    return Meeting.objects.create(
        mentorship=mentorship,
        scheduled_at=scheduled_at,
        meeting_format=meeting_format,
        duration_minutes=duration_minutes,
        status=Meeting.Status.SCHEDULED,
    )


@transaction.atomic
def meeting_log(
    *,
    meeting: Meeting,
    by: Person,
    duration_minutes: int,
    meeting_format: str,
    goals_touched: Iterable[DevelopmentGoal] = (),
    private_notes: str = "",
) -> Meeting:
    """Record a scheduled meeting as held (or correct the record of a held one)."""
    meeting = Meeting.objects.select_for_update().select_related("mentorship").get(pk=meeting.pk)
    _require_mentor(meeting.mentorship, by)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This meeting was cancelled; schedule a new one instead.")
    if meeting.scheduled_at > timezone.now():
        raise ValidationError("This meeting has not happened yet; log it after it is held.")
    _check_length(duration_minutes)
    _check_format(meeting_format)
    goal_list = _check_goals(meeting.mentorship, goals_touched)
    if meeting.duration_minutes != duration_minutes or meeting.status != Meeting.Status.HELD:
        meeting.sequence += 1  # the calendar entry's end time or status changes
    meeting.status = Meeting.Status.HELD
    meeting.duration_minutes = duration_minutes
    meeting.meeting_format = meeting_format
    meeting.private_notes = private_notes.strip()
    meeting.logged_by = by
    meeting.save()
    meeting.goals_touched.set(goal_list)
    return meeting


@transaction.atomic
def meeting_record(
    *,
    mentorship: Mentorship,
    by: Person,
    held_at: datetime,
    duration_minutes: int,
    meeting_format: str,
    goals_touched: Iterable[DevelopmentGoal] = (),
    private_notes: str = "",
) -> Meeting:
    """Log a meeting that was held without being scheduled here first."""
    _require_mentor(mentorship, by)
    if held_at > timezone.now():
        raise ValidationError("A meeting you log has already happened; schedule future meetings instead.")
    if timezone.localtime(held_at).date() < mentorship.started_on:
        raise ValidationError(f"The pair started on {mentorship.started_on:%Y-%m-%d}; choose a later date.")
    _check_length(duration_minutes)
    _check_format(meeting_format)
    goal_list = _check_goals(mentorship, goals_touched)
    meeting = Meeting.objects.create(
        mentorship=mentorship,
        scheduled_at=held_at,
        meeting_format=meeting_format,
        duration_minutes=duration_minutes,
        status=Meeting.Status.HELD,
        private_notes=private_notes.strip(),
        logged_by=by,
    )
    meeting.goals_touched.set(goal_list)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: Person) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("mentorship").get(pk=meeting.pk)
    _require_mentor(meeting.mentorship, by)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError(f"This meeting is already {meeting.get_status_display().lower()}.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1  # calendar clients accept a cancellation only with a newer SEQUENCE
    meeting.save(update_fields=["status", "sequence"])
    return meeting
