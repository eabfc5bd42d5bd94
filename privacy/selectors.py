"""Who may remove whom: the one rule, used by the page and by the service."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from profiles.models import Person
from programs.models import Enrollment, Mentorship


def people_removable_by(user: Any) -> QuerySet[Person]:
    """The people `user` may anonymise (whether they may yet, having left, is the service's
    question). Staff and superusers: anyone. A coordinator: the people who took part in a
    program they run, as an applicant or in a pair. Nobody else: no one.

    Removing a person is irreversible and reaches every program's records of them, so a
    coordinator of another program, who never worked with the person, may not do it.
    """
    people = Person.objects.all()
    if not getattr(user, "is_authenticated", False):
        return people.none()
    if user.is_superuser or user.is_staff:
        return people
    if not getattr(user, "is_coordinator", False):
        return people.none()
    programs = user.coordinated_programs.values("pk")
    applied = Enrollment.objects.filter(person=OuterRef("pk"), cycle__program__in=programs)
    paired = Mentorship.objects.filter(
        Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk")), cycle__program__in=programs
    )
    return people.filter(Exists(applied) | Exists(paired))


def may_remove(user: Any, person: Person) -> bool:
    return people_removable_by(user).filter(pk=person.pk).exists()
