"""In a real browser: a coordinator answers a help request and rematches the mentee; the mentee
proposes a meeting time that the mentor accepts. Each page checked with axe-core and for sideways
scrolling on a phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from matching.services import runs as match_runs
from notifications.models import Delivery, Kind
from profiles.tests.factories import (
    CoordinatorFactory,
    DevelopmentGoalFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
)
from programs.models import Enrollment, HelpReply, Meeting, MeetingRequest, Mentorship
from programs.services.requests import help_request_create
from programs.tests.factories import CycleFactory, EnrollmentFactory, MentorshipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


@pytest.fixture
def pair():
    cycle = CycleFactory(name="Autumn cohort")
    coordinator = CoordinatorFactory(email="coord@example.gov")
    cycle.program.coordinators.add(coordinator)
    mentor = PersonFactory(first_name="Mona", last_name="Mentor", email="mona@example.gov", phone="+1 202 555 0101")
    mentee = PersonFactory(first_name="Erin", last_name="Mentee", email="erin@example.gov")
    new_mentor = PersonFactory(first_name="Nina", last_name="Newmentor", email="nina@example.gov")
    skill = SkillFactory(name="Budgeting")
    DevelopmentGoalFactory(person=mentee, skill=skill, target_level=3)
    EnrollmentFactory(cycle=cycle, person=mentee, role=Enrollment.Role.MENTEE)
    for person in (mentor, new_mentor):
        EnrollmentFactory(cycle=cycle, person=person, role=Enrollment.Role.MENTOR, capacity=1)
        PersonSkillFactory(person=person, skill=skill, level=4, will_teach=True)
    pair = MentorshipFactory(cycle=cycle, mentor=mentor, mentee=mentee)
    pair.coordinator, pair.new_mentor = coordinator, new_mentor
    return pair


def test_mentee_proposes_a_time_and_the_mentor_accepts(
    browser_page, phone_page, login_in_browser, assert_accessible, pair
):
    page = browser_page
    login_in_browser(page, "erin@example.gov")
    page.goto(pair.get_absolute_url())
    contact = page.get_by_role("region", name="Contact")
    assert contact.get_by_role("link", name="mona@example.gov").is_visible()
    assert contact.get_by_text("Not shared").is_visible()  # her phone: hidden unless she shares it
    assert page.get_by_text("Your mentor, Mona Mentor, schedules your meetings.").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Propose a meeting time").click()
    assert_accessible(page)
    page.get_by_role("button", name="Propose this time").click()  # nothing filled in
    assert page.get_by_text("Choose a date and time.").is_visible()
    page.get_by_label("Date and time").fill((timezone.now() + timedelta(days=4)).strftime("%Y-%m-%dT10:30"))
    page.get_by_label("Note to your mentor (optional)").fill("Before the budget review")
    page.get_by_role("button", name="Propose this time").click()
    page.wait_for_url(re.compile(rf"/programs/pairs/{pair.pk}/"))
    assert page.get_by_role("status").get_by_text("Time proposed.").is_visible()
    assert_accessible(page)
    proposal = MeetingRequest.objects.get()
    assert Delivery.objects.filter(kind=Kind.MEETING_REQUESTED, email="mona@example.gov").count() == 1

    phone = phone_page
    login_in_browser(phone, "mona@example.gov")
    phone.goto(pair.get_absolute_url())
    assert phone.get_by_text("Before the budget review").is_visible()
    _no_sideways_scroll(phone)
    assert_accessible(phone)
    phone.get_by_role("button", name=re.compile(r"^Accept")).click()
    assert phone.get_by_role("status").get_by_text("the meeting is scheduled").is_visible()
    assert_accessible(phone)
    proposal.refresh_from_db()
    assert proposal.status == MeetingRequest.Status.ACCEPTED
    assert Meeting.objects.get(mentorship=pair).scheduled_at == proposal.starts_at


def test_coordinator_replies_then_rematches_the_mentee(
    browser_page, phone_page, login_in_browser, assert_accessible, pair
):
    request = help_request_create(mentorship=pair, by=pair.mentee, kind="rematch", message="We never manage to meet.")
    run = match_runs.run_start(cycle=pair.cycle, by=pair.coordinator)
    match_runs.run_execute(run_id=run.pk)
    page = browser_page
    login_in_browser(page, "coord@example.gov")
    page.goto(f"/programs/coordinate/cycles/{pair.cycle_id}/help/")
    assert_accessible(page)
    page.get_by_label("Reply to Erin Mentee").fill("I will find you a new mentor this week.")
    page.get_by_role("button", name=re.compile("^Send the reply")).click()
    assert page.get_by_role("status").get_by_text("Reply sent to Erin Mentee.").is_visible()
    assert page.get_by_text("I will find you a new mentor this week.").is_visible()
    assert_accessible(page)
    assert HelpReply.objects.filter(help_request=request).count() == 1

    article = page.get_by_role("article", name=re.compile("^A new match:"))
    article.get_by_text("Start a rematch for Erin Mentee").click()
    assert article.get_by_label(re.compile("^Why a new match")).input_value() == "The mentee asked for a new match."
    article.get_by_role("button", name=re.compile("^End the pair and rematch")).click()
    page.wait_for_url(re.compile(rf"/matching/cycles/{pair.cycle_id}/\?ready={pair.mentee_id}"))
    ready = page.get_by_role("region", name="Erin Mentee is ready to be matched again")
    assert ready.get_by_role("rowheader", name="Nina Newmentor").is_visible()
    assert_accessible(page)
    ready.get_by_role("button", name="Pair Erin with Nina Newmentor").click()
    assert page.get_by_role("status").get_by_text("Paired Nina Newmentor with Erin Mentee.").is_visible()
    assert Mentorship.objects.active().get(mentee=pair.mentee).mentor == pair.new_mentor

    # The mentee reads the reply on her own request, on a phone.
    phone = phone_page
    login_in_browser(phone, "erin@example.gov")
    phone.goto(pair.get_absolute_url())
    assert phone.get_by_text("I will find you a new mentor this week.").is_visible()
    _no_sideways_scroll(phone)
    assert_accessible(phone)
