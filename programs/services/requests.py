"""Participants asking the coordinator for help with their pair, or for a new match."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from profiles.models import GoalProgressNote, Person
from programs.models import HelpRequest, Mentorship, PairFlag
from programs.signals import help_requested

FLAG_REASON = {HelpRequest.Kind.HELP: PairFlag.Reason.HELP, HelpRequest.Kind.REMATCH: PairFlag.Reason.REMATCH}


@transaction.atomic
def help_request_create(*, mentorship: Mentorship, by: Person, kind: str, message: str) -> HelpRequest:
    """Create the request and raise the matching flag on the pair (one open flag per reason)."""
    if mentorship.role_of(by) is None:
        raise ValidationError("Only the mentor and the mentee can ask for help with this pair.")
    if kind not in HelpRequest.Kind.values:
        raise ValidationError("Choose whether you want help with the pairing or a new match.")
    message = message.strip()
    if not message:
        raise ValidationError("Tell the coordinator what is going on.")
    request = HelpRequest.objects.create(mentorship=mentorship, requested_by=by, kind=kind, message=message)
    try:
        with transaction.atomic():
            PairFlag.objects.get_or_create(
                mentorship=mentorship,
                reason=FLAG_REASON[HelpRequest.Kind(kind)],
                resolved_at=None,
                defaults={"detail": f"{by.full_name}: {message}"[:300]},
            )
    except IntegrityError:
        pass  # the other side raised the same flag at the same moment: one open flag is enough
    transaction.on_commit(lambda: help_requested.send(sender=HelpRequest, help_request=request))
    return request


@transaction.atomic
def goal_progress_note_add(*, mentorship: Mentorship, by: Person, goal_id: int, text: str) -> GoalProgressNote:
    """A progress note on one of the mentee's goals, by the mentor or the mentee of the pair."""
    if mentorship.role_of(by) is None:
        raise ValidationError("Only the mentor and the mentee can add progress notes.")
    goal = mentorship.mentee.goals.filter(pk=goal_id).first()
    if goal is None:
        raise ValidationError("That goal is not in the mentee's development plan.")
    text = text.strip()
    if not text:
        raise ValidationError("Write what progress was made.")
    return GoalProgressNote.objects.create(goal=goal, author=by, text=text)
