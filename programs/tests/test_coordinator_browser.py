"""A coordinator's journey in a real browser: new cycle, review applications, pair by hand, follow events."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import nav_to
from profiles.tests.factories import CoordinatorFactory, DevelopmentGoalFactory, PersonFactory, PersonSkillFactory
from programs.models import Cycle, Enrollment, HelpRequest, Mentorship
from programs.tests.factories import EnrollmentFactory, ProgramFactory, RSVPFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_creates_a_cycle_approves_applicants_and_pairs_them(
    browser_page, login_in_browser, assert_accessible
):
    page = browser_page
    coordinator = CoordinatorFactory(email="cora@example.gov")
    program = ProgramFactory(name="Finance mentoring", slug="finance")
    program.coordinators.add(coordinator)

    login_in_browser(page, "cora@example.gov")
    nav_to(page, "Coordinate", "Programs and cycles")
    assert page.get_by_role("heading", level=1).inner_text() == "Coordinate"
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("New cycle")).first.click()
    assert_accessible(page)
    start = timezone.localdate() + timedelta(days=70)
    page.get_by_label("Name").fill("Autumn cohort")
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_role("button", name="Create cycle").click()
    page.wait_for_url(re.compile(r"/coordinate/cycles/\d+/$"))
    assert page.get_by_role("status").get_by_text("Cycle “Autumn cohort” created").is_visible()
    assert_accessible(page)
    cycle = Cycle.objects.get(name="Autumn cohort")
    assert cycle.events.count() == 3

    mentor = EnrollmentFactory(
        cycle=cycle, role="mentor", status="pending", capacity=2,
        person=PersonFactory(first_name="Marta", last_name="Mentor", title="Budget director"),
    )
    PersonSkillFactory(person=mentor.person)
    mentee = EnrollmentFactory(
        cycle=cycle, role="mentee", status="pending", person=PersonFactory(first_name="Theo", last_name="Mentee")
    )
    mentee.goals.add(DevelopmentGoalFactory(person=mentee.person))

    page.get_by_role("link", name="Applications").click()
    assert_accessible(page)
    page.get_by_label("Select all applications shown").check()  # static/js/coordinator_applications.js
    assert page.get_by_label("Select Marta Mentor as mentor").is_checked()
    page.get_by_label("Select Theo Mentee as mentee").uncheck()
    assert page.locator("#select-all-applications").evaluate("el => el.indeterminate")
    page.get_by_label("Select Theo Mentee as mentee").check()
    page.get_by_label("Decision").select_option(label="Approve")
    page.get_by_label("Note to the applicants (optional)").fill("Welcome aboard")
    page.get_by_role("button", name="Apply decision").click()
    assert page.get_by_role("status").get_by_text("2 application(s) approved").is_visible()
    assert set(Enrollment.objects.filter(cycle=cycle).values_list("status", flat=True)) == {"approved"}

    page.get_by_role("link", name="Pairs").click()
    assert_accessible(page)
    page.locator("#id_mentor").select_option(value=str(mentor.person.pk))
    page.locator("#id_mentee").select_option(value=str(mentee.person.pk))
    page.get_by_role("button", name="Create pair").click()
    assert page.get_by_role("status").get_by_text("Paired Marta Mentor with Theo Mentee").is_visible()
    pair = Mentorship.objects.get(cycle=cycle)
    assert pair.mentor == mentor.person and pair.mentee == mentee.person
    assert_accessible(page)

    HelpRequest.objects.create(mentorship=pair, requested_by=pair.mentee, kind="help", message="Need advice")
    page.get_by_role("link", name="Help and flags").click()
    assert_accessible(page)
    page.get_by_label("What was done").fill("Called Theo")
    page.get_by_role("button", name="Resolve this request").click()
    assert page.get_by_role("status").get_by_text("Resolved").is_visible()

    kickoff = cycle.events.get(kind="kickoff")
    RSVPFactory(event=kickoff, person=mentee.person)
    page.get_by_role("link", name="Program events").click()
    assert_accessible(page)
    page.get_by_role("link", name=f"Replies to {kickoff.title}").click()
    assert_accessible(page)
    page.get_by_label("Attended: Theo Mentee").check()
    page.get_by_role("button", name="Save attendance").click()
    assert page.get_by_role("status").get_by_text("Attendance saved: 1 attended").is_visible()
    page.get_by_role("link", name="All events of Finance mentoring").click()
    page.get_by_role("link", name=f"Edit {kickoff.title}").click()
    assert_accessible(page)
