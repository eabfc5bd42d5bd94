"""A rematch for one mentee: the pair ends and the mentee is back in matching, without their old mentor.

The engine already treats a mentee without an active pair as waiting for one (services.inputs),
and a pair closed in this cycle is never proposed again (programs.rules refuses it; the engine
input bans it). What is left to do here is the bookkeeping a coordinator would otherwise do by
hand: end the pair, take the old pair out of every run still being reviewed (so a re-run does
not carry it over as a lock and publishing is not refused), close the help request, and record
who did it and why.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.references import person_ref
from audit.services import audit_record
from common.text import clean_text
from matching.models import MatchProposal, MatchRun
from matching.services.runs import run_figures_save
from programs.models import Enrollment, HelpRequest, Mentorship
from programs.services.help import help_request_resolve
from programs.services.pairs import mentorship_end


@transaction.atomic
def mentee_rematch(
    *, mentorship: Mentorship, by: Any, reason: str, help_request: HelpRequest | None = None
) -> Mentorship:
    """End the active `mentorship` and make its mentee ready to be matched again in its cycle.

    A pair that has already closed is refused (a replayed form must not record a second rematch).
    """
    reason = " ".join(clean_text(reason).split())
    if not reason:
        raise ValidationError({"reason": "Say why this mentee needs a new match."})
    mentorship = (
        Mentorship.objects.select_for_update()
        .select_related("cycle__program", "mentor", "mentee")
        .get(pk=mentorship.pk)
    )
    mentee, cycle = mentorship.mentee, mentorship.cycle
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ValidationError(
            f"This pair is already {mentorship.get_status_display().lower()}; {mentee} needs no rematch from it."
        )
    if mentee.separated_on is not None:
        raise ValidationError(f"{mentee} has left the organisation, so they cannot be matched again.")
    if not Enrollment.objects.filter(
        cycle=cycle, person=mentee, role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED
    ).exists():
        raise ValidationError(f"{mentee} is no longer an approved mentee of {cycle.name}; approve them again first.")
    other = Mentorship.objects.active().filter(cycle=cycle, mentee=mentee).exclude(pk=mentorship.pk).first()
    if other is not None:
        raise ValidationError(f"{mentee} already has another mentor in this cycle ({other.mentor}).")
    mentorship_end(mentorship=mentorship, by=by, reason=f"Rematch: {reason}")
    # Runs still under review would otherwise keep the old pair: as a lock a re-run carries over,
    # or as a proposal that publishing refuses ("already paired in this cycle").
    reviewing = MatchRun.objects.filter(cycle=cycle, status=MatchRun.Status.DONE, published_at__isnull=True)
    stale = MatchProposal.objects.filter(run__in=reviewing, mentee=mentee, mentor=mentorship.mentor).exclude(
        status=MatchProposal.Status.REJECTED
    )
    touched = list(MatchRun.objects.filter(pk__in=stale.values("run_id")))
    stale.update(status=MatchProposal.Status.REJECTED, updated_at=timezone.now())
    for run in touched:
        run_figures_save(run)
    if help_request is not None and help_request.resolved_at is None:
        help_request_resolve(
            help_request=help_request, by=by, resolution=f"Pair ended; {mentee} is back in matching for a new mentor."
        )
    # The reason stays in the entry's data: every program's coordinators read the log's summaries.
    audit_record(
        actor=by,
        action="matching.rematch",
        target=mentorship,
        summary=f"Rematch for {person_ref(mentee)}: pair with {person_ref(mentorship.mentor)} ended",
        data={
            "reason": reason,
            "help_request": help_request.pk if help_request else None,
            "runs": [run.pk for run in touched],
        },
    )
    return mentorship
