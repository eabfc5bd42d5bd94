"""Beyond the pair in a real browser: a mentee finds an expert and asks for a flash conversation,
the expert accepts, both find it in their calendar feeds; the new pages pass axe-core at phone
and desktop widths."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from conftest import nav_to, sign_out
from flash.models import FlashConversation
from profiles.tests.factories import CoordinatorFactory, PersonFactory, PersonSkillFactory, SkillFactory
from programs.models import Enrollment
from programs.tests.factories import EnrollmentFactory, MentorshipFactory
from resources.models import Milestone, Resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def feed_uids(page) -> list[str]:
    """Make my calendar address on its page and read the feed as a calendar app would."""
    page.goto("/calendar/")
    page.get_by_role("button", name=re.compile("Make (my|a new) calendar address|Make a new address")).click()
    page.wait_for_url(re.compile(r"/calendar/new-address/$"))
    page.wait_for_load_state()
    url = page.get_by_label("Calendar address").input_value()
    body = page.request.get(url.replace("http://127.0.0.1:8000", page.url.split("/calendar")[0])).body()
    return [str(e["uid"]) for e in Calendar.from_ical(body).walk("VEVENT")]


def test_a_mentee_asks_an_expert_who_accepts_and_both_see_it_in_their_feeds(
    browser_page, login_in_browser, assert_accessible
):
    page = browser_page
    skill = SkillFactory(name="Grant writing")
    expert = PersonFactory(first_name="Ada", last_name="Quinlan", email="ada@example.gov",
                           willing_to_mentor=True, time_zone="UTC")
    PersonSkillFactory(person=expert, skill=skill, level=5)
    PersonFactory(first_name="Mo", last_name="Reyes", email="mo@example.gov", time_zone="UTC")

    login_in_browser(page, "mo@example.gov")
    nav_to(page, "Take part", "Find expertise")
    page.get_by_label("Name").fill("Quinlan")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Ada Quinlan").click()
    assert_accessible(page)
    page.get_by_role("link", name="Ask for a conversation").click()
    assert_accessible(page)
    assert page.get_by_role("combobox", name=re.compile("^Skill")).input_value() == str(skill.pk), "the expert's one skill is chosen"
    page.get_by_label("What you would like to talk about").fill("How do you structure a federal grant narrative?")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/flash/$"))
    assert page.get_by_text("Your request is on its way to Ada Quinlan").is_visible()
    assert_accessible(page)
    sign_out(page)

    login_in_browser(page, "ada@example.gov")
    nav_to(page, "Take part", "Flash conversations")
    assert page.get_by_text("How do you structure a federal grant narrative?").is_visible()
    page.get_by_role("link", name=re.compile("Accept and propose a time")).click()
    assert_accessible(page)
    when = (timezone.now() + timedelta(days=4)).replace(hour=15, minute=0, second=0, microsecond=0)
    page.get_by_label("When (your time zone)").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("A message with your answer").fill("I'll call you on Teams.")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_url(re.compile(r"/flash/$"))
    conversation = FlashConversation.objects.get()
    assert conversation.status == "accepted" and conversation.starts_at == when
    uid = f"flash-{conversation.pk}@"
    assert any(u.startswith(uid) for u in feed_uids(page))
    assert_accessible(page)
    sign_out(page)

    login_in_browser(page, "mo@example.gov")
    assert any(u.startswith(uid) for u in feed_uids(page))


@pytest.mark.parametrize("width", [390, 1280])
def test_the_new_pages_pass_axe_at_phone_and_desktop_widths(browser_page, login_in_browser, assert_accessible, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    pair = MentorshipFactory(
        mentee=PersonFactory(email="mentee@example.gov"), started_on=timezone.localdate() - timedelta(days=10)
    )
    EnrollmentFactory(cycle=pair.cycle, person=pair.mentee, status=Enrollment.Status.APPROVED)
    Resource.objects.create(program=pair.cycle.program, title="First meeting agenda", milestone=Milestone.FIRST_MEETING,
                            url="https://intranet.example.gov/agenda")
    coordinator = CoordinatorFactory(email="coord@example.gov")
    pair.cycle.program.coordinators.add(coordinator)

    login_in_browser(page, "mentee@example.gov")
    for path in ("/flash/", "/flash/availability/", "/resources/", "/calendar/", f"/programs/pairs/{pair.pk}/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert_accessible(page)
    assert page.get_by_role("link", name="First meeting agenda").is_visible()
    sign_out(page)

    login_in_browser(page, "coord@example.gov")
    for path in ("/resources/manage/", "/resources/manage/new/", "/flash/volumes/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert_accessible(page)
