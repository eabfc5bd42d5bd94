"""Mentoring circles in a real browser: a coordinator creates a circle from the cycle's Circles tab
and places a mentee, the mentor schedules a session, and the mentee finds the circle's page and
the session in the calendar feed. Every circle page passes axe-core at phone and desktop widths."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from circles.models import Circle
from circles.services import circle_create, circle_member_add, circle_session_create
from conftest import nav_to, sign_out
from profiles.tests.factories import (
    CoordinatorFactory,
    DevelopmentGoalFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
)
from programs.models import Enrollment
from programs.tests.factories import CycleFactory, EnrollmentFactory
from tests.test_browser_beyond_the_pair import feed_uids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cycle():
    cycle = CycleFactory(name="Spring")
    coordinator = CoordinatorFactory(email="coord@example.gov")
    cycle.program.coordinators.add(coordinator)
    skill = SkillFactory(name="Public budgeting")
    mentor = PersonFactory(first_name="Ada", last_name="Quinlan", email="ada@example.gov", time_zone="UTC")
    PersonSkillFactory(person=mentor, skill=skill, level=4, will_teach=True)
    EnrollmentFactory(cycle=cycle, person=mentor, role=Enrollment.Role.MENTOR, status=Enrollment.Status.APPROVED)
    mentee = PersonFactory(first_name="Mo", last_name="Reyes", email="mo@example.gov", time_zone="UTC")
    DevelopmentGoalFactory(person=mentee, skill=skill, target_level=3)
    EnrollmentFactory(cycle=cycle, person=mentee, role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED)
    return cycle, coordinator, skill, mentor, mentee


def test_a_coordinator_creates_a_circle_and_its_members_see_its_page_and_sessions(
    browser_page, login_in_browser, assert_accessible
):
    page = browser_page
    cycle, _coordinator, skill, mentor, mentee = _cycle()

    login_in_browser(page, "coord@example.gov")
    page.goto(f"/programs/coordinate/cycles/{cycle.pk}/")
    page.get_by_role("navigation", name="Cycle sections").get_by_role("link", name="Circles").click()
    page.wait_for_url(re.compile(rf"/circles/cycles/{cycle.pk}/$"))
    assert_accessible(page)
    page.get_by_role("link", name="Create a circle").first.click()
    assert_accessible(page)
    # a bad form first: the errors are on the fields
    page.get_by_label("Topic").fill("Budgets for beginners")
    page.get_by_label("Fewest mentees").fill("9")
    page.get_by_label("Most mentees").fill("4")
    page.get_by_role("button", name="Create the circle").click()
    assert page.get_by_text("The fewest mentees (9) cannot be more than the most (4).").is_visible()
    assert page.get_by_text("Choose the circle's mentor (one or two).").is_visible()
    assert_accessible(page)
    page.get_by_label("Fewest mentees").fill("2")
    page.get_by_label("Skills").select_option(str(skill.pk))
    page.get_by_label("Ada Quinlan").check()
    page.get_by_role("button", name="Create the circle").click()
    circle = Circle.objects.get(topic="Budgets for beginners")
    page.wait_for_url(re.compile(rf"/circles/{circle.pk}/$"))
    assert page.get_by_role("heading", name="Budgets for beginners").is_visible()
    page.get_by_label("Place a mentee").select_option(str(mentee.pk))
    page.get_by_role("button", name="Place in the circle").click()
    assert page.get_by_text("Mo Reyes is in the circle.").is_visible()
    assert_accessible(page)
    sign_out(page)

    login_in_browser(page, "ada@example.gov")
    nav_to(page, "Take part", "Mentoring circles")
    page.get_by_role("link", name="Budgets for beginners").click()
    page.get_by_role("link", name="Schedule a session").click()
    assert_accessible(page)
    when = (timezone.now() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    page.get_by_label("Agenda").fill("Reading a budget")
    page.get_by_label("Date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_url(re.compile(rf"/circles/{circle.pk}/"))
    assert page.get_by_role("cell", name=re.compile("^Reading a budget")).is_visible()
    session = circle.sessions.get()
    sign_out(page)

    login_in_browser(page, "mo@example.gov")
    nav_to(page, "Take part", "Mentoring circles")
    page.get_by_role("link", name="Budgets for beginners").click()
    assert page.get_by_role("heading", name="Shared notes").is_visible()
    page.get_by_label("Share a note with the circle").fill("I will bring last year's budget.")
    page.get_by_role("button", name="Share").click()
    assert page.get_by_text("I will bring last year's budget.").is_visible()
    assert page.get_by_role("cell", name=re.compile("Public budgeting: level 0 of 3")).is_visible()
    assert_accessible(page)
    assert any(u.startswith(f"circle-session-{session.pk}@") for u in feed_uids(page))


@pytest.mark.parametrize("width", [390, 1280])
def test_the_circle_pages_pass_axe_at_phone_and_desktop_widths(
    browser_page, login_in_browser, assert_accessible, width
):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    cycle, coordinator, skill, mentor, mentee = _cycle()
    circle = circle_create(
        cycle=cycle, by=coordinator, topic="Budgets", skills=[skill], mentors=[mentor], min_size=1, max_size=4
    )
    circle_member_add(circle=circle, person=mentee, by=coordinator)
    past = circle_session_create(
        circle=circle, by=mentor, title="Kickoff", scheduled_at=timezone.now() - timedelta(days=2)
    )
    circle_create(
        cycle=cycle, by=coordinator, topic="Open circle", skills=[skill], mentors=[mentor], min_size=1, max_size=4
    )
    other = PersonFactory(email="eve@example.gov")
    EnrollmentFactory(cycle=cycle, person=other, role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED)

    checks = {
        "ada@example.gov": (
            "/circles/",
            f"/circles/{circle.pk}/",
            f"/circles/{circle.pk}/sessions/new/",
            f"/circles/sessions/{past.pk}/attendance/",
            f"/circles/sessions/{past.pk}/edit/",
        ),
        "eve@example.gov": ("/circles/",),
        "coord@example.gov": (
            f"/circles/cycles/{cycle.pk}/",
            f"/circles/cycles/{cycle.pk}/new/",
            f"/circles/{circle.pk}/",
            f"/circles/{circle.pk}/edit/",
            f"/programs/coordinate/cycles/{cycle.pk}/",
            f"/reports/dashboard/?cycle={cycle.pk}",
        ),
    }
    for email, paths in checks.items():
        login_in_browser(page, email)
        for path in paths:
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            assert_accessible(page)
        sign_out(page)
