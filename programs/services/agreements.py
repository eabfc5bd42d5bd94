"""The pair's agreement: goals from the mentee's IDP, cadence, format and expectations.

Either side may edit it; each side confirms it. Any change clears both confirmations, so a
confirmation always refers to the text the person actually saw.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from profiles.models import DevelopmentGoal, Person
from programs.models import Agreement, Mentorship


def _require_participant(mentorship: Mentorship, person: Person) -> str:
    role = mentorship.role_of(person)
    if role is None:
        raise ValidationError("Only the mentor and the mentee can change this agreement.")
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ValidationError("This pair has ended, so its agreement can no longer change.")
    return role


@transaction.atomic
def agreement_update(
    *,
    mentorship: Mentorship,
    by: Person,
    goals: Iterable[DevelopmentGoal],
    cadence: str,
    meeting_format: str,
    expectations: str,
) -> tuple[Agreement, bool]:
    """Save the agreement. Returns (agreement, changed); a change clears both confirmations."""
    _require_participant(mentorship, by)
    goal_list = list(goals)
    if any(goal.person_id != mentorship.mentee_id for goal in goal_list):
        raise ValidationError("Agreement goals must come from the mentee's development plan.")
    agreement, _ = Agreement.objects.select_for_update().get_or_create(mentorship=mentorship)
    new_goal_ids = {goal.pk for goal in goal_list}
    old_goal_ids = set(agreement.goals.values_list("pk", flat=True))
    expectations = expectations.strip()
    changed = (
        new_goal_ids != old_goal_ids
        or agreement.cadence != cadence
        or agreement.meeting_format != meeting_format
        or agreement.expectations != expectations
    )
    if changed:
        agreement.cadence = cadence
        agreement.meeting_format = meeting_format
        agreement.expectations = expectations
        agreement.mentor_agreed_at = None
        agreement.mentee_agreed_at = None
        agreement.full_clean(exclude=["mentorship"])
        agreement.save()
        agreement.goals.set(goal_list)
    return agreement, changed


@transaction.atomic
def agreement_confirm(*, mentorship: Mentorship, by: Person) -> Agreement:
    role = _require_participant(mentorship, by)
    agreement = Agreement.objects.select_for_update().filter(mentorship=mentorship).first()
    if agreement is None:
        raise ValidationError("There is no agreement to confirm yet. Write it first.")
    field = "mentor_agreed_at" if role == "mentor" else "mentee_agreed_at"
    if getattr(agreement, field) is None:
        setattr(agreement, field, timezone.now())
        # update_fields keeps updated_at (auto_now) meaning "content last changed".
        Agreement.objects.filter(pk=agreement.pk).update(**{field: getattr(agreement, field)})
    return agreement
