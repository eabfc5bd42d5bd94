"""Program outcomes on a hand-made cycle: participation, completion rate and goals met."""

from __future__ import annotations

import pytest

from profiles.models import GoalStatus
from profiles.tests.factories import DepartmentFactory, DevelopmentGoalFactory, PersonFactory
from programs.models import Agreement, Enrollment, Mentorship, Program
from programs.tests.factories import CycleFactory, EnrollmentFactory, MentorshipFactory
from reports.selectors.outcomes import outcome_rows, program_outcomes
from reports.selectors.scope import ReportFilters

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    finance, it = DepartmentFactory(name="Finance"), DepartmentFactory(name="IT")
    cycle = CycleFactory()
    a, b, c = (PersonFactory(department=finance, grade="GS-9") for _ in range(3))
    d = PersonFactory(department=it, grade="GS-11")  # applied, never paired
    m1, m2 = PersonFactory(department=it, grade="GS-14"), PersonFactory(department=finance, grade="GS-13")
    for person in (a, b, c, d):
        EnrollmentFactory(cycle=cycle, person=person, role=Enrollment.Role.MENTEE)
    for person in (m1, m2):
        EnrollmentFactory(cycle=cycle, person=person, role=Enrollment.Role.MENTOR)
    done = MentorshipFactory(cycle=cycle, mentor=m1, mentee=a, status=Mentorship.Status.COMPLETED)
    MentorshipFactory(cycle=cycle, mentor=m1, mentee=b, status=Mentorship.Status.ENDED)
    MentorshipFactory(cycle=cycle, mentor=m2, mentee=c, status=Mentorship.Status.ACTIVE)
    agreement = Agreement.objects.create(mentorship=done)
    agreement.goals.add(
        DevelopmentGoalFactory(person=a, status=GoalStatus.ACHIEVED),
        DevelopmentGoalFactory(person=a, status=GoalStatus.ACHIEVED),
        DevelopmentGoalFactory(person=a, status=GoalStatus.ACTIVE),
    )
    return {"cycle": cycle, "finance": finance}


def test_completion_goals_and_participation_match_the_hand_count(world):
    result = program_outcomes(filters=ReportFilters(cycle_id=world["cycle"].pk), programs=Program.objects.all())
    assert (result.completed, result.finished, result.completion_rate) == (1, 2, 50)
    assert (result.goals["achieved"], result.goals["total"], result.goals_met_rate) == (2, 3, 67)
    by_dept = {r.group: (r.applicants, r.mentees, r.mentors) for r in result.by_department}
    assert by_dept == {"Finance": (4, 3, 1), "IT": (2, 0, 1)}
    by_grade = {r.group: (r.applicants, r.mentees, r.mentors) for r in result.by_grade}
    assert by_grade == {"GS-9": (3, 3, 0), "GS-11": (1, 0, 0), "GS-13": (1, 0, 1), "GS-14": (1, 0, 1)}
    assert result.surveys is None  # no survey data yet
    rows = outcome_rows(result)
    assert ("Pairs", "All", "Completed", 1, 2, 50) in rows and ("Goals", "All", "Met", 2, 3, 67) in rows


def test_department_filter_counts_pairs_by_the_mentee(world):
    result = program_outcomes(
        filters=ReportFilters(cycle_id=world["cycle"].pk, department_id=world["finance"].pk), programs=Program.objects.all()
    )
    assert [r.group for r in result.by_department] == ["Finance"]
    assert result.pairs["total"] == 3


def test_the_page_changes_with_the_department_and_says_what_it_covers(client, hr_user, world):
    from django.urls import reverse

    it = Enrollment.objects.filter(person__department__name="IT", role=Enrollment.Role.MENTEE).get().person
    MentorshipFactory(cycle=world["cycle"], mentee=it, status=Mentorship.Status.COMPLETED)
    client.force_login(hr_user)
    url = reverse("reports:outcomes")
    everyone = client.get(url, {"cycle": world["cycle"].pk}).content.decode()
    finance = client.get(url, {"cycle": world["cycle"].pk, "department": world["finance"].pk}).content.decode()
    # All: 2 completed of 3 finished; Finance's mentees: 1 of 2.
    assert "67% <span" in everyone and 'id="department-scope"' not in everyone
    assert "50% <span" in finance
    assert 'id="department-scope"' in finance
    assert "Filtered to <strong>Finance</strong>" in finance
    assert "not split by department" in finance
