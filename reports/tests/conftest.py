"""Small hand-made worlds whose report figures are worked out by hand in the tests."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from profiles.tests.factories import CoordinatorFactory, DepartmentFactory, HRAnalystFactory, PersonFactory, UserFactory
from programs.tests.factories import CycleFactory, MentorshipFactory, ProgramFactory

TODAY = date(2025, 6, 1)
START = date(2024, 1, 1)


@pytest.fixture
def hr_user():
    return HRAnalystFactory(email="hr@example.gov")


@pytest.fixture
def coordinator():
    return CoordinatorFactory(email="coordinator@example.gov")


@pytest.fixture
def participant():
    return PersonFactory(email="participant@example.gov").user


@pytest.fixture
def other_user():
    return UserFactory(email="nobody@example.gov")


@pytest.fixture
def retention_world(coordinator):
    """Program P, cycle starting 2024-01-01; figures in test_retention.py are worked from this."""
    finance = DepartmentFactory(name="Finance", code="FIN")
    it = DepartmentFactory(name="IT", code="IT")
    hr_dept = DepartmentFactory(name="Human Resources", code="HR")
    program = ProgramFactory(name="Leadership", slug="leadership")
    program.coordinators.add(coordinator)
    cycle = CycleFactory(
        program=program, name="Spring 2024", starts_on=START, ends_on=date(2024, 6, 30),
        applications_open_on=date(2023, 11, 1), applications_close_on=date(2023, 11, 30), matching_on=date(2023, 12, 10),
    )  # fmt: skip

    def person(key: str, dept, hired: date | None, left: date | None = None):
        return PersonFactory(
            first_name=key, last_name="Test", email=f"{key.lower()}@example.gov", employee_id=key,
            department=dept, hire_date=hired, separated_on=left, user=None,
        )  # fmt: skip

    p = SimpleNamespace(
        a=person("A", finance, date(2020, 1, 1)),
        b=person("B", finance, date(2015, 6, 1), date(2024, 3, 1)),
        c=person("C", it, date(2023, 6, 1), date(2024, 9, 1)),
        m1=person("M1", finance, date(2000, 1, 1)),
        m2=person("M2", it, date(2010, 1, 1), date(2025, 1, 1)),
        n1=person("N1", finance, date(2021, 3, 1)),
        n2=person("N2", finance, date(2021, 1, 1), date(2024, 5, 1)),
        n3=person("N3", finance, date(2003, 1, 1)),
        n4=person("N4", it, date(2023, 1, 1)),
        n5=person("N5", it, date(2024, 2, 1)),
        n6=person("N6", finance, date(2019, 1, 1)),
        n7=person("N7", finance, date(2018, 1, 1), date(2023, 12, 1)),
        n8=person("N8", finance, date(2021, 1, 1)),
        m3=person("M3", hr_dept, date(2001, 1, 1)),
    )
    MentorshipFactory(cycle=cycle, mentor=p.m1, mentee=p.a)
    MentorshipFactory(cycle=cycle, mentor=p.m1, mentee=p.b)
    MentorshipFactory(cycle=cycle, mentor=p.m2, mentee=p.c)
    other_program = ProgramFactory(name="Other", slug="other")
    other_cycle = CycleFactory(
        program=other_program, name="Other 2024", starts_on=date(2024, 3, 1), ends_on=date(2024, 9, 1),
        applications_open_on=date(2024, 1, 1), applications_close_on=date(2024, 1, 31), matching_on=date(2024, 2, 10),
    )  # fmt: skip
    MentorshipFactory(cycle=other_cycle, mentor=p.m3, mentee=p.n8)
    return SimpleNamespace(program=program, cycle=cycle, other_program=other_program, finance=finance, it=it, people=p)
