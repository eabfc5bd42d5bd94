"""Writes about people that touch more than one row, or that other apps call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from audit.references import person_ref
from audit.services import audit_record
from profiles.models import DevelopmentGoal, GoalProgressNote, Person, PersonSkill, Skill


@dataclass(frozen=True)
class SkillEntry:
    skill: Skill
    level: int
    will_teach: bool
    prefers_teaching: bool = False


@transaction.atomic
def person_skills_set(*, person: Person, entries: Sequence[SkillEntry]) -> list[PersonSkill]:
    """Make the person's skills exactly `entries`: update the kept ones, add new, drop the rest."""
    skill_ids = [entry.skill.pk for entry in entries]
    if len(skill_ids) != len(set(skill_ids)):
        raise ValidationError("Each skill can be listed only once.")
    PersonSkill.objects.filter(person=person).exclude(skill_id__in=skill_ids).delete()
    existing = {row.skill_id: row for row in PersonSkill.objects.select_for_update().filter(person=person)}
    changed, created = [], []
    for entry in entries:
        row = existing.get(entry.skill.pk)
        if row is None:
            created.append(PersonSkill(person=person, skill=entry.skill, level=entry.level, will_teach=entry.will_teach,
                                       prefers_teaching=entry.prefers_teaching and entry.will_teach))
        elif (row.level, row.will_teach, row.prefers_teaching) != (entry.level, entry.will_teach, entry.prefers_teaching):
            row.level, row.will_teach = entry.level, entry.will_teach
            row.prefers_teaching = entry.prefers_teaching and entry.will_teach  # a wish only for what they teach
            changed.append(row)
    PersonSkill.objects.bulk_create(created)
    PersonSkill.objects.bulk_update(changed, ["level", "will_teach", "prefers_teaching"])
    return list(PersonSkill.objects.filter(person=person).select_related("skill"))


@transaction.atomic
def person_link_user(*, user: Any) -> Person | None:
    """Link a login to the roster person with the same e-mail address, if that person has none.

    Called when the address is known to belong to the login's owner: an accepted invitation,
    an SSO login, or a confirmed e-mail address.
    """
    try:
        return user.person
    except Person.DoesNotExist:
        pass
    person = Person.objects.select_for_update().filter(email__iexact=user.email, user__isnull=True).first()
    if person is None:
        return None
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    if not (user.first_name or user.last_name):
        user.first_name, user.last_name = person.first_name[:150], person.last_name[:150]
        user.save(update_fields=["first_name", "last_name"])
    audit_record(actor=user, action="person.link_login", target=person, summary=person_ref(person))
    return person


@transaction.atomic
def goal_note_add(*, goal: DevelopmentGoal, author: Person, text: str) -> GoalProgressNote:
    text = text.strip()
    if not text:
        raise ValidationError("Write something in the note.")
    return GoalProgressNote.objects.create(goal=goal, author=author, text=text)


@transaction.atomic
def skill_delete(*, skill: Skill, by: Any) -> None:
    """Delete a catalogue skill nobody uses. A skill on someone's profile or plan is refused."""
    holders, goals = skill.holders.count(), skill.goals.count()
    if holders or goals:
        raise ValidationError(
            f"“{skill.name}” is in use ({holders} on profiles, {goals} in development plans), so it cannot "
            "be deleted. Rename it or move it to another category instead."
        )
    name = skill.name
    try:
        skill.delete()
    except ProtectedError as error:  # another app's record points at it
        raise ValidationError(f"“{name}” is in use elsewhere in the program, so it cannot be deleted.") from error
    audit_record(actor=by, action="skill.delete", summary=name)
