"""A small cycle to match: skills, mentors who teach them, mentees whose IDP goals need them."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import User
from profiles.models import Person, Skill
from profiles.tests.factories import (
    CoordinatorFactory,
    DepartmentFactory,
    DevelopmentGoalFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
)
from programs.models import Cycle, Enrollment
from programs.tests.factories import CycleFactory, EnrollmentFactory


@dataclass
class World:
    cycle: Cycle
    coordinator: User
    mentors: list[Person]
    mentees: list[Person]
    skills: list[Skill]
    extra: dict = field(default_factory=dict)


def build_world(
    *, mentors: int = 3, mentees: int = 4, capacity: int = 1, mentee_choice: bool = False, cycle: Cycle | None = None
) -> World:
    """Mentor i teaches skill i at level 4 (and skill i+1 at level 2); mentee j aims for skill j % mentors at 3.

    Each mentee's best mentor is therefore mentor j % mentors, which keeps the tests' expectations
    readable. Mentors and mentees sit in different departments, so cross-department points apply.
    """
    cycle = cycle or CycleFactory(mentee_choice=mentee_choice)
    coordinator = CoordinatorFactory()
    cycle.program.coordinators.add(coordinator)
    skills = [SkillFactory() for _ in range(max(mentors, 1))]
    mentor_dept, mentee_dept = DepartmentFactory(name="Finance", code="FIN"), DepartmentFactory(name="Planning", code="PLN")
    mentor_people = []
    for i in range(mentors):
        person = PersonFactory(first_name=f"Mentor{i}", last_name=f"Teach{i}", department=mentor_dept)
        PersonSkillFactory(person=person, skill=skills[i], level=4, will_teach=True)
        if mentors > 1:
            PersonSkillFactory(person=person, skill=skills[(i + 1) % len(skills)], level=2, will_teach=True)
        EnrollmentFactory(cycle=cycle, person=person, role=Enrollment.Role.MENTOR, capacity=capacity)
        mentor_people.append(person)
    mentee_people = []
    for j in range(mentees):
        person = PersonFactory(first_name=f"Mentee{j}", last_name=f"Learn{j}", department=mentee_dept)
        DevelopmentGoalFactory(person=person, skill=skills[j % len(skills)], target_level=3, priority=1)
        EnrollmentFactory(cycle=cycle, person=person, role=Enrollment.Role.MENTEE)
        mentee_people.append(person)
    return World(cycle=cycle, coordinator=coordinator, mentors=mentor_people, mentees=mentee_people, skills=skills)
