"""Factories for people, skills and development plans (factory_boy)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from profiles.models import Department, DevelopmentGoal, Person, PersonSkill, Skill, SkillCategory


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.gov")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # noqa: ANN001, ANN206
        # set_password only changes the object; save it (factory_boy stops doing so implicitly).
        if create and results:
            instance.save()


class CoordinatorFactory(UserFactory):
    is_coordinator = True


class HRAnalystFactory(UserFactory):
    is_hr_analyst = True


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Department {n}")
    code = factory.Sequence(lambda n: f"D{n}")


class PersonFactory(DjangoModelFactory):
    """A person with a login. Use `user=None` for a roster-only record."""

    class Meta:
        model = Person

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.gov")
    user = factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))
    department = factory.SubFactory(DepartmentFactory)
    title = "Analyst"
    office_location = "Headquarters"
    time_zone = "America/New_York"


class SkillCategoryFactory(DjangoModelFactory):
    class Meta:
        model = SkillCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Category {n}")


class SkillFactory(DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    category = factory.SubFactory(SkillCategoryFactory)


class PersonSkillFactory(DjangoModelFactory):
    class Meta:
        model = PersonSkill

    person = factory.SubFactory(PersonFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 3
    will_teach = True


class DevelopmentGoalFactory(DjangoModelFactory):
    class Meta:
        model = DevelopmentGoal

    person = factory.SubFactory(PersonFactory)
    skill = factory.SubFactory(SkillFactory)
    target_level = 3
    priority = 1
