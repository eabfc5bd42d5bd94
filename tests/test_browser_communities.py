"""Communities and speed rounds in a real browser: a colleague finds a community from Find
expertise and joins it; a lead schedules a lunch-and-learn the member replies to; a coordinator
generates speed rounds and an attendee marks whom they would like to work with. The new pages
pass axe-core at phone and desktop widths."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Membership
from communities.tests.factories import CommunityFactory
from conftest import nav_to, sign_out
from profiles.tests.factories import CoordinatorFactory, PersonFactory, PersonSkillFactory, SkillFactory
from programs.models import RSVP, Enrollment
from programs.tests.factories import CycleFactory, EnrollmentFactory, EventFactory, RSVPFactory
from resources.models import Resource
from speedrounds.models import Wish
from speedrounds.services import schedule_generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_colleague_joins_from_find_expertise_and_replies_to_a_lunch_and_learn(
    browser_page, login_in_browser, assert_accessible
):
    page = browser_page
    skill = SkillFactory(name="Procurement law")
    cycle = CycleFactory()
    community = CommunityFactory(name="Procurement practitioners", slug="procurement", program=cycle.program)
    community.skills.add(skill)
    lead = PersonFactory(first_name="Lia", last_name="Lead", email="lia@example.gov", time_zone="UTC")
    Membership.objects.create(community=community, person=lead, role=Membership.Role.LEAD)
    PersonSkillFactory(person=lead, skill=skill, level=4)
    PersonFactory(first_name="Mo", last_name="Reyes", email="mo@example.gov", time_zone="UTC")

    login_in_browser(page, "lia@example.gov")
    page.goto("/communities/procurement/")
    page.get_by_role("link", name="New event").click()
    assert_accessible(page)
    day = timezone.localdate() + timedelta(days=8)
    page.get_by_label("Title").fill("Lunch-and-learn: framework contracts")
    page.get_by_label("Starts").fill(f"{day:%Y-%m-%d}T12:00")
    page.get_by_label("Ends").fill(f"{day:%Y-%m-%d}T13:00")
    page.get_by_label("Place").fill("Room 3")
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_url(re.compile(r"/communities/procurement/$"))
    assert page.get_by_text("the community's members are invited").is_visible()
    sign_out(page)

    login_in_browser(page, "mo@example.gov")
    nav_to(page, "Take part", "Find expertise")
    page.get_by_label("Skill").select_option(label="Procurement law")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Procurement practitioners").click()
    assert_accessible(page)
    page.get_by_role("button", name="Join").click()
    assert page.get_by_text("You joined Procurement practitioners").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Lunch-and-learn: framework contracts").first.click()
    page.get_by_role("button", name="Send reply").click()
    assert page.get_by_text("You are going to Lunch-and-learn: framework contracts").is_visible()
    assert RSVP.objects.get(person__email="mo@example.gov").status == RSVP.Status.GOING


def test_a_coordinator_runs_speed_rounds_and_an_attendee_marks_a_wish(
    browser_page, login_in_browser, assert_accessible
):
    page = browser_page
    cycle = CycleFactory()
    start = timezone.now() + timedelta(days=1)
    event = EventFactory(cycle=cycle, title="Speed mentoring", starts_at=start, ends_at=start + timedelta(hours=1))
    coordinator = CoordinatorFactory(email="coord@example.gov")
    cycle.program.coordinators.add(coordinator)
    mentee = EnrollmentFactory(cycle=cycle, person=PersonFactory(email="mentee@example.gov")).person
    mentors = [EnrollmentFactory(cycle=cycle, role=Enrollment.Role.MENTOR).person for _ in range(2)]
    for person in (mentee, *mentors):
        RSVPFactory(event=event, person=person)

    login_in_browser(page, "coord@example.gov")
    page.goto(f"/speed-rounds/events/{event.pk}/")
    page.get_by_label("Minutes per round").fill("1")
    page.get_by_role("button", name="Generate the rotation").click()
    assert page.get_by_text("Ensure this value is greater than or equal to 2").is_visible()
    page.get_by_label("Minutes per round").fill("10")
    page.get_by_role("button", name="Generate the rotation").click()
    assert page.get_by_role("heading", name=re.compile("Round 2")).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Printable schedule").click()
    assert_accessible(page)
    sign_out(page)

    login_in_browser(page, "mentee@example.gov")
    page.goto(event.get_absolute_url())
    page.get_by_role("link", name="My speed rounds").click()
    assert_accessible(page)
    page.get_by_label(mentors[0].full_name).check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Saved: 1 person").is_visible()
    assert list(Wish.objects.values_list("by", "whom")) == [(mentee.pk, mentors[0].pk)]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_new_pages_pass_axe_at_phone_and_desktop_widths(browser_page, login_in_browser, assert_accessible, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    cycle = CycleFactory()
    coordinator = CoordinatorFactory(email="coord@example.gov")
    cycle.program.coordinators.add(coordinator)
    skill = SkillFactory(name="Records management")
    community = CommunityFactory(name="Records people", slug="records", program=cycle.program)
    community.skills.add(skill)
    lead = PersonFactory(email="lead@example.gov")
    Membership.objects.create(community=community, person=lead, role=Membership.Role.LEAD)
    for _ in range(3):
        member = PersonFactory()
        Membership.objects.create(community=community, person=member)
        PersonSkillFactory(person=member, skill=skill, level=3)
    Resource.objects.create(program=cycle.program, title="Retention schedule", url="https://intranet.example.gov/r")
    start = timezone.now() + timedelta(days=1)
    event = EventFactory(cycle=cycle, starts_at=start, ends_at=start + timedelta(hours=1))
    RSVPFactory(event=event, person=EnrollmentFactory(cycle=cycle, person=lead).person)
    for _ in range(3):
        RSVPFactory(event=event, person=EnrollmentFactory(cycle=cycle, role=Enrollment.Role.MENTOR).person)
    schedule_generate(event=event, by=coordinator, minutes_per_round=10)

    login_in_browser(page, "lead@example.gov")
    for path in (
        "/communities/",
        "/communities/records/",
        "/communities/records/edit/",
        "/communities/records/events/new/",
        f"/speed-rounds/events/{event.pk}/me/",
        f"/people/{lead.pk}/",
        f"/people/directory/?skill={skill.pk}",
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert_accessible(page)
    sign_out(page)

    login_in_browser(page, "coord@example.gov")
    for path in ("/communities/new/", f"/speed-rounds/events/{event.pk}/", f"/speed-rounds/events/{event.pk}/print/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert_accessible(page)
