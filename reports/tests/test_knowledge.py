"""Knowledge at risk, checked against a hand-made set of people, skills and goals."""

from __future__ import annotations

from datetime import date

import pytest

from profiles.models import GoalStatus
from profiles.tests.factories import DevelopmentGoalFactory, PersonFactory, PersonSkillFactory, SkillFactory
from programs.models import Mentorship
from programs.tests.factories import MentorshipFactory
from reports.selectors.knowledge import knowledge_at_risk

pytestmark = pytest.mark.django_db
HORIZON = date(2027, 6, 1)


@pytest.fixture
def world():
    records, cobol, budgeting, excel, negotiation = (
        SkillFactory(name=n) for n in ("Records law", "COBOL", "Budgeting", "Excel", "Negotiation")
    )
    r1 = PersonFactory(first_name="Rita", last_name="One", retirement_eligible_on=date(2026, 1, 1))
    r2 = PersonFactory(first_name="Ray", last_name="Two", retirement_eligible_on=date(2027, 1, 1))
    r3 = PersonFactory(first_name="Rob", last_name="Three", retirement_eligible_on=date(2030, 1, 1))  # outside the horizon
    gone = PersonFactory(retirement_eligible_on=date(2026, 1, 1), separated_on=date(2025, 1, 1))
    PersonSkillFactory(person=r1, skill=records, level=4)
    PersonSkillFactory(person=r1, skill=cobol, level=4)
    PersonSkillFactory(person=r1, skill=budgeting, level=3)
    PersonSkillFactory(person=r1, skill=excel, level=2)  # below the top levels: not at risk
    PersonSkillFactory(person=r2, skill=budgeting, level=4)
    PersonSkillFactory(person=r3, skill=budgeting, level=3)  # another holder
    PersonSkillFactory(person=r3, skill=cobol, level=2)  # holds COBOL, but not at the top levels
    PersonSkillFactory(person=gone, skill=negotiation, level=4)  # left: neither at risk nor another holder
    learner = MentorshipFactory().mentee
    DevelopmentGoalFactory(person=learner, skill=cobol, target_level=3)
    ended_pair = MentorshipFactory(status=Mentorship.Status.ENDED)
    DevelopmentGoalFactory(person=ended_pair.mentee, skill=cobol)  # not in an active pair
    DevelopmentGoalFactory(person=MentorshipFactory().mentee, skill=cobol, status=GoalStatus.ACHIEVED)  # done
    return {"records": records, "cobol": cobol, "budgeting": budgeting}


def test_skills_nobody_else_holds_or_learns_come_first_with_counts(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        report = knowledge_at_risk(horizon=HORIZON, min_level=3)
    got = [(s.skill, [h.name for h in s.holders], s.others, s.learners, s.unprotected) for s in report.skills]
    assert got == [
        ("Records law", ["Rita One"], 0, 0, True),
        ("COBOL", ["Rita One"], 0, 1, False),
        ("Budgeting", ["Rita One", "Ray Two"], 1, 0, False),
    ]
    assert [p["name"] for p in report.people] == ["Rita One", "Ray Two"]


def test_expert_only_and_a_shorter_horizon(world):
    report = knowledge_at_risk(horizon=HORIZON, min_level=4)
    budgeting = next(s for s in report.skills if s.skill == "Budgeting")
    assert [h.name for h in budgeting.holders] == ["Ray Two"] and budgeting.others == 0
    short = knowledge_at_risk(horizon=date(2026, 6, 1), min_level=3)
    assert {s.skill for s in short.skills} == {"Records law", "COBOL", "Budgeting"}
    budgeting = next(s for s in short.skills if s.skill == "Budgeting")
    # Ray is eligible only in 2027, so within this horizon he is one of the "others".
    assert [h.name for h in budgeting.holders] == ["Rita One"] and budgeting.others == 2


def test_headline_counts_and_the_status_filter(world):
    report = knowledge_at_risk(horizon=HORIZON, min_level=3)
    assert report.counts == {"uncovered": 1, "learners_only": 1, "covered": 1}
    only = knowledge_at_risk(horizon=HORIZON, min_level=3, status="learners_only")
    assert [s.skill for s in only.skills] == ["COBOL"] and only.counts == report.counts
    assert len(knowledge_at_risk(horizon=HORIZON, min_level=3, status="no-such-state").skills) == 3


def test_the_page_shows_headlines_filters_by_status_and_pages_long_lists(client, world):
    from django.urls import reverse

    from profiles.tests.factories import HRAnalystFactory

    many = [SkillFactory(name=f"Legacy system {n:03}") for n in range(60)]
    holder = PersonFactory(retirement_eligible_on=date(2026, 3, 1))
    for skill in many:
        PersonSkillFactory(person=holder, skill=skill, level=4)
    client.force_login(HRAnalystFactory())
    url = reverse("reports:knowledge")
    response = client.get(url, {"status": "uncovered", "horizon": "24"})
    assert response.status_code == 200
    page = response.context["skills"]
    assert page.total == 61 and len(page.items) == 50
    assert all(s.status == "uncovered" for s in page.items)
    body = response.content.decode()
    assert "skills no one else holds or is learning" in body
    assert "status=uncovered" in body and "page=2" in body
    second = client.get(url, {"status": "uncovered", "horizon": "24", "page": "2"}).context["skills"]
    assert len(second.items) == 11


def test_by_department_counts_each_skill_for_every_department_it_leaves(world, client):
    from django.urls import reverse

    from profiles.models import Person
    from profiles.tests.factories import DepartmentFactory, HRAnalystFactory

    # Rita (Records law: uncovered; COBOL: only learned; Budgeting: covered) and Ray (Budgeting)
    # in two departments; a third person in Rita's department holds a second uncovered skill.
    water, parks = DepartmentFactory(name="Water"), DepartmentFactory(name="Parks")
    Person.objects.filter(first_name="Rita").update(department=water)
    Person.objects.filter(first_name="Ray").update(department=parks)
    PersonSkillFactory(person=PersonFactory(department=water, retirement_eligible_on=date(2026, 5, 1)),
                       skill=SkillFactory(name="Valve maps"), level=4)
    report = knowledge_at_risk(horizon=HORIZON, min_level=3)
    got = [(d.department, d.people, d.uncovered, d.learners_only) for d in report.by_department]
    assert got == [("Water", 2, 2, 1), ("Parks", 1, 0, 0)]
    # The status filter narrows the list of skills, never the chart.
    assert knowledge_at_risk(horizon=HORIZON, min_level=3, status="covered").by_department == report.by_department

    client.force_login(HRAnalystFactory())
    response = client.get(reverse("reports:knowledge"), {"horizon": "24"})
    body = response.content.decode()
    assert response.context["chart"]["labels"][:2] == ["Water", "Parks"]
    assert 'id="knowledge-data"' in body and 'id="chart-knowledge"' in body and "js/knowledge.js" in body
    assert "Knowledge at risk by department" in body
