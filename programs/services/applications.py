"""Applying to a cycle as a mentor or mentee, and withdrawing an application."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.dates import when
from profiles.models import Department, DevelopmentGoal, GoalStatus, Person
from programs.models import Cycle, Enrollment
from programs.selectors.participant import LIVE_STATUSES

WITHDRAWABLE_STATUSES = (Enrollment.Status.PENDING, Enrollment.Status.WAITLISTED)


def application_window_error(cycle: Cycle) -> str | None:
    today = timezone.localdate()
    if today < cycle.applications_open_on:
        return f"Applications for this cycle open on {when(cycle.applications_open_on)}."
    if today > cycle.applications_close_on:
        return f"Applications for this cycle closed on {when(cycle.applications_close_on)}."
    return None


def teachable_skill_count(person: Person) -> int:
    return person.skills.filter(will_teach=True).count()


@transaction.atomic
def enrollment_apply(
    *,
    cycle: Cycle,
    person: Person,
    role: str,
    goals: Iterable[DevelopmentGoal] = (),
    capacity: int | None = None,
    motivation: str = "",
    without_teachable_skills: bool = False,
    preferred_departments: Iterable[Department] = (),
) -> Enrollment:
    """Apply `person` to `cycle` in `role`. Raises ValidationError with a message for the form.

    Mentees name at least one of their own active IDP goals. Mentors give a capacity from 1 to 10;
    a mentor with no skill marked "willing to teach" must say they apply anyway
    (`without_teachable_skills=True`), because matching has nothing to match them on.
    """
    closed = application_window_error(cycle)
    if closed:
        raise ValidationError(closed)
    if role not in Enrollment.Role.values:
        raise ValidationError("Choose to apply as a mentor or as a mentee.")
    if person.separated_on is not None:
        raise ValidationError("Only current employees can apply.")

    goal_list: list[DevelopmentGoal] = []
    wished = list(preferred_departments)
    if role == Enrollment.Role.MENTEE:
        wished = []  # a mentor's wish; mentees say what they want through their goals
        goal_list = list(goals)
        if not goal_list:
            raise ValidationError("Choose at least one goal from your development plan.")
        if any(g.person_id != person.pk for g in goal_list):
            raise ValidationError("You can only choose goals from your own development plan.")
        if any(g.status != GoalStatus.ACTIVE for g in goal_list):
            raise ValidationError("Only active goals can be worked on in a cycle.")
        capacity = None
    else:
        if capacity is None or not 1 <= capacity <= 10:
            raise ValidationError("Say how many mentees you can take, from 1 to 10.")
        if not without_teachable_skills and teachable_skill_count(person) == 0:
            raise ValidationError(
                "You have not marked any skill as one you are willing to teach, so matching has "
                "nothing to go on. Add skills to your profile, or confirm that you apply anyway."
            )

    # Lock any earlier application in this role so two submissions cannot both pass the check.
    existing = (
        Enrollment.objects.select_for_update().filter(cycle=cycle, person=person, role=role).first()
    )
    role_label = Enrollment.Role(role).label.lower()
    if existing is not None and existing.status in LIVE_STATUSES:
        raise ValidationError(
            f"You have already applied to this cycle as a {role_label} "
            f"({existing.get_status_display().lower()})."
        )
    fields = {
        "status": Enrollment.Status.PENDING,
        "motivation": motivation.strip(),
        "capacity": capacity,
        "applied_at": timezone.now(),
        "decided_at": None,
        "decided_by": None,
        "decision_note": "",
    }
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        enrollment = existing
    else:
        try:
            with transaction.atomic():
                enrollment = Enrollment.objects.create(cycle=cycle, person=person, role=role, **fields)
        except IntegrityError:
            raise ValidationError(f"You have already applied to this cycle as a {role_label}.") from None
    enrollment.goals.set(goal_list)
    enrollment.preferred_departments.set(wished)
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment, person: Person) -> Enrollment:
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.person_id != person.pk:
        raise ValidationError("This is not your application.")
    if enrollment.status not in WITHDRAWABLE_STATUSES:
        raise ValidationError(
            f"This application is {enrollment.get_status_display().lower()} and can no longer be withdrawn."
        )
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.decided_at = timezone.now()
    enrollment.save(update_fields=["status", "decided_at"])
    return enrollment
