"""Participants state where they stand and what they want through the forms; the run uses it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.services.inputs import cycle_input
from profiles.models import DevelopmentGoal, PersonSkill
from profiles.tests.factories import DepartmentFactory, PersonFactory, PersonSkillFactory, SkillFactory
from programs.models import Enrollment
from programs.tests.factories import EnrollmentFactory, OpenCycleFactory

pytestmark = pytest.mark.django_db


def _skills_post(rows: list[dict]) -> dict:
    data = {"skills-TOTAL_FORMS": str(len(rows)), "skills-INITIAL_FORMS": "0", "skills-MIN_NUM_FORMS": "0",
            "skills-MAX_NUM_FORMS": "200"}
    for i, row in enumerate(rows):
        data.update({f"skills-{i}-{k}": v for k, v in row.items()})
    return data


def test_a_mentor_marks_what_they_most_want_to_teach(client):
    me = PersonFactory()
    py, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    client.force_login(me.user)
    response = client.post(reverse("profiles:skills"), _skills_post([
        {"skill": py.pk, "level": "4", "will_teach": "on", "prefers_teaching": "on"},
        {"skill": sql.pk, "level": "3", "will_teach": "on"},
    ]))
    assert response.status_code == 302
    rows = {r.skill.name: (r.will_teach, r.prefers_teaching) for r in PersonSkill.objects.filter(person=me)}
    assert rows == {"Python": (True, True), "SQL": (True, False)}
    assert "most want to teach" in client.get(reverse("profiles:skills")).content.decode()


def test_most_want_to_teach_needs_willing_to_teach(client):
    me = PersonFactory()
    client.force_login(me.user)
    response = client.post(reverse("profiles:skills"), _skills_post([
        {"skill": SkillFactory().pk, "level": "4", "prefers_teaching": "on"}]))
    assert response.status_code == 200
    assert "willing to teach first" in response.content.decode()
    assert not PersonSkill.objects.exists()


def test_a_goal_records_the_level_now_below_the_target(client):
    me = PersonFactory()
    py = SkillFactory(name="Python")
    client.force_login(me.user)
    base = {"skill": py.pk, "target_level": "3", "priority": "1", "status": "active"}
    response = client.post(reverse("profiles:goal-create"), {**base, "current_level": "3"})
    assert response.status_code == 200
    assert "must be below the target level" in response.content.decode()
    assert not DevelopmentGoal.objects.exists()
    response = client.post(reverse("profiles:goal-create"), {**base, "current_level": "1"})
    assert response.status_code == 302
    assert DevelopmentGoal.objects.get(person=me).current_level == 1
    assert "level now: 1 – Aware" in client.get(reverse("profiles:idp")).content.decode()


def test_a_mentor_application_names_the_mentee_departments_they_would_like(client):
    me = PersonFactory()
    PersonSkillFactory(person=me, will_teach=True)
    planning = DepartmentFactory(name="Planning", code="PLN")
    cycle = OpenCycleFactory()
    client.force_login(me.user)
    response = client.post(reverse("programs:apply", args=[cycle.pk, "mentor"]),
                           {"capacity": 2, "preferred_departments": [planning.pk]})
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(person=me)
    assert list(enrollment.preferred_departments.all()) == [planning] and enrollment.capacity == 2


def test_levels_and_wishes_reach_the_engine_and_change_the_stable_result():
    py, law = SkillFactory(name="Python"), SkillFactory(name="Law")
    hr, it, other = (DepartmentFactory(name=n, code=n[:3].upper()) for n in ("Human resources", "IT", "Other"))
    cycle = OpenCycleFactory()
    wishful = PersonFactory(department=other)
    PersonSkillFactory(person=wishful, skill=py, level=4, will_teach=True)
    sql = SkillFactory(name="SQL")  # what she most wants to teach, though nobody asks for it
    PersonSkillFactory(person=wishful, skill=sql, level=4, will_teach=True, prefers_teaching=True)
    spare = PersonFactory(department=other)
    PersonSkillFactory(person=spare, skill=py, level=2, will_teach=True)
    PersonSkillFactory(person=spare, skill=law, level=2, will_teach=True)
    mentor_row = EnrollmentFactory(cycle=cycle, person=wishful, role=Enrollment.Role.MENTOR, capacity=1,
                                   status=Enrollment.Status.APPROVED)
    EnrollmentFactory(cycle=cycle, person=spare, role=Enrollment.Role.MENTOR, capacity=1,
                      status=Enrollment.Status.APPROVED)
    a, b = PersonFactory(department=it), PersonFactory(department=hr)
    DevelopmentGoal.objects.create(person=a, skill=py, target_level=4, priority=1)
    DevelopmentGoal.objects.create(person=b, skill=py, target_level=4, current_level=2, priority=1)
    DevelopmentGoal.objects.create(person=b, skill=law, target_level=4, priority=1)
    for person in (a, b):
        EnrollmentFactory(cycle=cycle, person=person, role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED)

    from matching.engine import solve_stable

    data = cycle_input(cycle)
    (goal,) = [g for g in data.mentee(b.pk).goals if g.skill == py.pk]
    assert goal.current == 2
    assert data.mentor(wishful.pk).prefers_teaching == frozenset({sql.pk})
    assert solve_stable(data.problem, data.settings).mentor_of(a.pk) == wishful.pk

    mentor_row.preferred_departments.set([hr])
    data = cycle_input(cycle)
    assert data.mentor(wishful.pk).prefers_departments == frozenset({hr.pk})
    result = solve_stable(data.problem, data.settings)
    assert result.mentor_of(b.pk) == wishful.pk and result.mentor_of(a.pk) == spare.pk
