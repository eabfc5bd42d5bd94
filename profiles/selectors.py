"""Reads about people that views and other apps share. Each list here runs a fixed number of
queries whatever the number of rows (select_related / prefetch_related / annotate)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower

from accounts.models import Invitation
from profiles.models import Department, DevelopmentGoal, GoalProgressNote, Person, PersonSkill, Skill, SkillCategory

# programs.Mentorship's value for a running pair. profiles sits left of programs and must not
# import it; the reverse relations (mentorships_as_mentor) are enough to ask the question.
ACTIVE_MENTORSHIP = "active"


def person_of(user: Any) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def listed_people() -> QuerySet[Person]:
    """People whose card may be shown: still employed and not anonymised."""
    return Person.objects.employed().filter(anonymised_at__isnull=True)


def roster_without_login(*, ids: Iterable[str | int] | None = None, emails: Iterable[str] | None = None) -> QuerySet[Person]:
    """Employed people who have no login yet, chosen by id or by e-mail (case-insensitive)."""
    people = listed_people().filter(user__isnull=True).select_related("department")
    if ids is not None:
        people = people.filter(pk__in=list(ids))
    if emails is not None:
        people = people.annotate(email_lower=Lower("email")).filter(email_lower__in=[e.lower() for e in emails])
    return people


def skills_with_skill() -> Prefetch:
    return Prefetch("skills", queryset=PersonSkill.objects.select_related("skill").order_by("-level", "skill__name"))


def people_for_coordinator(*, query: str = "", department: Department | None = None, login: str = "") -> QuerySet[Person]:
    """The roster for coordinators, with login and pending-invitation state in the same query."""
    pending = Invitation.objects.filter(email=Lower(OuterRef("email")), accepted_at__isnull=True).order_by("-created_at")
    people = (
        Person.objects.employed()
        .select_related("department", "user")
        .annotate(
            invited_at=Subquery(pending.values("created_at")[:1]),
            invitation_expires_at=Subquery(pending.values("expires_at")[:1]),
        )
    )
    if query:
        people = people.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(department__name__icontains=query)
            | Q(department__code__iexact=query)
        )
    if department is not None:
        people = people.filter(department=department)
    if login == "yes":
        people = people.filter(user__isnull=False)
    elif login == "no":
        people = people.filter(user__isnull=True)
    return people.order_by("last_name", "first_name", "pk")


@dataclass(frozen=True)
class DirectoryFilters:
    skill: Skill | None = None
    min_level: int | None = None
    department: Department | None = None
    location: str = ""
    willing_to_mentor: bool = False
    query: str = ""


def directory_search(*, filters: DirectoryFilters) -> QuerySet[Person]:
    """The expertise directory: people with a skill at or above a level, and where they are."""
    people = listed_people().select_related("department").prefetch_related(skills_with_skill())
    if filters.skill is not None or filters.min_level:
        # EXISTS rather than a join: the level applies to that skill (not to any skill), and no
        # DISTINCT is needed, which at 50,000 people costs more than the search itself.
        held = PersonSkill.objects.filter(person=OuterRef("pk"))
        if filters.skill is not None:
            held = held.filter(skill=filters.skill)
        if filters.min_level:
            held = held.filter(level__gte=filters.min_level)
        people = people.filter(Exists(held))
    if filters.department is not None:
        people = people.filter(department=filters.department)
    if filters.location:
        people = people.filter(office_location__icontains=filters.location)
    if filters.willing_to_mentor:
        people = people.filter(willing_to_mentor=True)
    if filters.query:
        people = people.filter(Q(first_name__icontains=filters.query) | Q(last_name__icontains=filters.query))
    return people.order_by("last_name", "first_name", "pk")


def person_card(*, pk: int) -> Person:
    """One person's public-ish card: the employee record with department and skills."""
    return listed_people().select_related("department").prefetch_related(skills_with_skill()).get(pk=pk)


def goals_of(*, person: Person) -> QuerySet[DevelopmentGoal]:
    return (
        DevelopmentGoal.objects.filter(person=person)
        .select_related("skill")
        .annotate(note_count=Count("notes"))
        .order_by("status", "priority", "target_date", "created_at")
    )


def current_mentors_of(*, person: Person) -> QuerySet[Person]:
    return Person.objects.filter(
        mentorships_as_mentor__mentee=person, mentorships_as_mentor__status=ACTIVE_MENTORSHIP
    ).distinct()


def can_use_goal_notes(*, user: Any, goal: DevelopmentGoal) -> bool:
    """The goal's owner and their current mentors, and nobody else: roles (coordinator, HR,
    superuser) grant nothing here, because progress notes are private development talk."""
    viewer = person_of(user)
    if viewer is None:
        return False
    if viewer.pk == goal.person_id:
        return True
    return current_mentors_of(person=goal.person).filter(pk=viewer.pk).exists()


def goal_notes(*, goal: DevelopmentGoal) -> QuerySet[GoalProgressNote]:
    return goal.notes.select_related("author").order_by("-created_at", "-pk")


def skill_catalogue() -> QuerySet[SkillCategory]:
    skills = Skill.objects.annotate(holder_count=Count("holders", distinct=True), goal_count=Count("goals", distinct=True))
    return SkillCategory.objects.prefetch_related(Prefetch("skills", queryset=skills.order_by("name"))).annotate(
        skill_count=Count("skills")
    )


def person_labels(ids: set[int]) -> dict[int, str]:
    """How the audit log names people ({person:N} references): by name while their data is
    held; a removed person gets no label, which the log shows as "a former participant"."""
    people = Person.objects.filter(pk__in=ids, anonymised_at__isnull=True)
    return {pk: f"{first} {last}".strip() for pk, first, last in people.values_list("pk", "first_name", "last_name")}
