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
