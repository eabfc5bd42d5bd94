"""A mentee's journey in a real browser: sign in, add an IDP goal, apply, RSVP to the kickoff."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from profiles.tests.factories import CoordinatorFactory, PersonFactory
from programs.models import RSVP, Enrollment, Event
from programs.services.enrollments import enrollments_decide
from programs.tests.factories import EventFactory, OpenCycleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_mentee_adds_a_goal_applies_and_rsvps_to_the_kickoff(browser_page, login_in_browser, assert_accessible):
    page = browser_page
    mentee = PersonFactory(first_name="Mina", email="mina@example.gov")
    cycle = OpenCycleFactory(name="Spring cohort")
    kickoff = EventFactory(
        cycle=cycle,
        kind=Event.Kind.KICKOFF,
        title="Spring cohort kickoff",
        starts_at=timezone.now() + timedelta(days=35),
        capacity=40,
    )

    login_in_browser(page, "mina@example.gov")
    page.goto("/programs/me/")
    assert page.get_by_role("heading", level=1).inner_text() == "My program"
    assert page.get_by_text("Your development plan has no active goals.", exact=True).is_visible()
    assert_accessible(page)

    # The IDP pages (profiles app): add a goal in my own words.
    page.get_by_role("link", name=re.compile(r"^Add a goal\W+Your development plan")).click()
    page.wait_for_url(re.compile(r"/people/me/plan/$"))
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Add a goal", exact=True).click()
    page.wait_for_url(re.compile(r"/people/me/plan/goals/new/$"))
    assert_accessible(page)
    page.get_by_label("Aim (in your own words)").fill("Present to senior leadership")
    page.get_by_role("button", name="Save goal").click()
    page.wait_for_url(re.compile(r"/people/me/plan/$"))
    assert page.get_by_role("rowheader", name="Present to senior leadership").is_visible()
    assert_accessible(page)

    # Apply to the open cycle as a mentee, naming that goal.
    page.goto("/programs/me/apply/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Apply as mentee")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Send application").click()  # nothing chosen yet
    assert page.get_by_text("Choose at least one goal from your development plan.").first.is_visible()
    page.get_by_label("Present to senior leadership").check()
    page.get_by_label("Why you want to take part").fill("I lead a small team now.")
    page.get_by_role("button", name="Send application").click()
    page.wait_for_url(re.compile(r"/programs/me/apply/$"))
    assert page.get_by_role("status").get_by_text("Your application to").is_visible()
    assert_accessible(page)
    enrollment = Enrollment.objects.get(person=mentee, cycle=cycle)
    assert [g.aim for g in enrollment.goals.all()] == ["Present to senior leadership"]

    # The coordinator approves the application (their own pages are tested elsewhere).
    coordinator = CoordinatorFactory()
    cycle.program.coordinators.add(coordinator)
    enrollments_decide(enrollments=[enrollment], status=Enrollment.Status.APPROVED, by=coordinator)

    # The kickoff is now among my events; reply "going".
    page.goto("/programs/me/events/")
    assert_accessible(page)
    page.get_by_role("link", name="Spring cohort kickoff").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Spring cohort kickoff"
    assert_accessible(page)
    page.get_by_label("Going", exact=True).check()
    page.get_by_role("button", name="Send reply").click()
    assert page.get_by_role("status").get_by_text("You are going to Spring cohort kickoff.").is_visible()
    assert page.get_by_text("39 left of 40").is_visible()
    assert_accessible(page)
    assert RSVP.objects.get(event=kickoff, person=mentee).status == RSVP.Status.GOING


def test_mentor_writes_the_agreement_and_schedules_a_meeting(browser_page, login_in_browser, assert_accessible):
    """The pair page and its forms, as the mentor, with axe on each page."""
    from profiles.tests.factories import DevelopmentGoalFactory
    from programs.models import Agreement, Meeting
    from programs.tests.factories import MentorshipFactory

    page = browser_page
    mentor = PersonFactory(email="otto@example.gov", first_name="Otto")
    pair = MentorshipFactory(mentor=mentor)
    DevelopmentGoalFactory(person=pair.mentee, skill=None, target_level=None, aim="Lead a project review")

    login_in_browser(page, "otto@example.gov")
    page.goto(pair.get_absolute_url())
    assert_accessible(page)

    page.get_by_role("link", name="Write the agreement").click()
    assert_accessible(page)
    page.get_by_label("Lead a project review").check()
    page.get_by_label("How often you meet").select_option("weekly")
    page.get_by_label("Expectations").fill("We both come prepared.")
    page.get_by_role("button", name="Save the agreement").click()
    page.get_by_role("button", name="Confirm the agreement").click()
    assert page.get_by_role("status").get_by_text("You confirmed the agreement.").is_visible()
    agreement = Agreement.objects.get(mentorship=pair)
    assert agreement.mentor_agreed_at is not None and agreement.mentee_agreed_at is None

    page.get_by_role("link", name="Schedule a meeting").click()
    assert_accessible(page)
    page.get_by_label("Date and time").fill("2020-01-01T10:00")
    page.get_by_role("button", name="Schedule").click()
    assert page.get_by_text("Choose a date and time in the future.").first.is_visible()
    assert_accessible(page)  # the error state too
    when = timezone.localtime(timezone.now() + timedelta(days=3), timezone=_zone(mentor.time_zone))
    page.get_by_label("Date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_url(re.compile(r"/programs/pairs/\d+/"))
    assert Meeting.objects.filter(mentorship=pair, status=Meeting.Status.SCHEDULED).count() == 1
    assert_accessible(page)


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def test_a_participant_replies_to_an_event_on_a_phone(phone_page, login_in_browser, assert_accessible):
    page = phone_page
    cycle = OpenCycleFactory()
    person = PersonFactory(email="pat@example.gov")
    Enrollment.objects.create(cycle=cycle, person=person, role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED)
    event = EventFactory(cycle=cycle, title="Networking breakfast", capacity=1)
    login_in_browser(page, "pat@example.gov")
    page.goto("/programs/me/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Reply\W+Will you come to Networking breakfast")).click()
    page.get_by_label("Going", exact=True).check()
    page.get_by_role("button", name="Send reply").click()
    assert page.get_by_role("status").get_by_text("You are going to Networking breakfast.").is_visible()
    assert page.get_by_text("0 left of 1").is_visible()
    assert_accessible(page)
    assert RSVP.objects.get(event=event, person=person).status == RSVP.Status.GOING
