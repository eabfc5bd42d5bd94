"""People pages in a real browser: sign-in, my record, the directory, the roster; each page
checked with axe-core."""

from __future__ import annotations

import pytest

from accounts.models import User
from profiles.models import PersonSkill
from profiles.tests.factories import CoordinatorFactory, PersonFactory, PersonSkillFactory, SkillFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_participant_signs_in_adds_a_skill_and_finds_an_expert(browser_page, login_in_browser, assert_accessible):
    page = browser_page
    me = PersonFactory(first_name="Rae", last_name="Tester", email="rae@example.gov")
    expert = PersonFactory(first_name="Sol", last_name="Expert", willing_to_mentor=True)
    python = SkillFactory(name="Python")
    PersonSkillFactory(person=expert, skill=python, level=4)

    page.goto("/accounts/login/")
    assert_accessible(page)
    login_in_browser(page, "rae@example.gov")

    page.goto("/people/me/")
    assert_accessible(page)
    page.get_by_label("Job title").fill("Data analyst")
    page.get_by_role("button", name="Save profile").click()
    assert page.get_by_text("Your profile is saved.").is_visible()

    page.goto("/people/me/skills/")
    assert_accessible(page)
    page.get_by_label("Skill, row 1").select_option(label="Python")
    page.get_by_label("Level, row 1").select_option(label="2 – Working")
    page.get_by_role("button", name="Save skills").click()
    assert page.get_by_text("Your skills are saved.").is_visible()
    assert PersonSkill.objects.filter(person=me, skill=python, level=2).exists()

    page.goto("/people/me/plan/goals/new/")
    page.get_by_role("button", name="Save goal").click()
    assert page.get_by_text("Name a skill or describe an aim for this goal.").is_visible()
    assert_accessible(page)

    page.goto("/people/directory/")
    page.get_by_label("Skill").select_option(label="Python")
    page.get_by_label("At least level").select_option(label="4 – Expert")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    page.get_by_role("link", name="Sol Expert").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sol Expert"
    assert_accessible(page)


def test_coordinator_roster_and_catalogue_are_accessible(browser_page, login_in_browser, assert_accessible):
    page = browser_page
    coordinator = CoordinatorFactory(email="coord@example.gov")
    PersonFactory(first_name="Uma", last_name="Unlinked", user=None)
    SkillFactory(name="Grant writing")
    login_in_browser(page, coordinator.email)
    page.goto("/people/roster/")
    assert_accessible(page)
    page.get_by_label("Invite Uma Unlinked").check()
    page.get_by_role("button", name="Invite selected people").click()
    assert page.get_by_text("Invitation sent to 1 person.").is_visible()
    page.goto("/people/skills/")
    assert_accessible(page)
    assert User.objects.filter(email="coord@example.gov").exists()


def test_lockout_and_invitation_pages_are_accessible(browser_page, assert_accessible):
    page = browser_page
    PersonFactory(email="locked@example.gov")
    for _ in range(5):
        page.goto("/accounts/login/")
        page.get_by_label("E-mail").fill("locked@example.gov")
        page.get_by_label("Password").fill("wrong-password-here")
        page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Too many sign-in attempts").is_visible()
    assert_accessible(page)
    page.goto("/account/invitation/not-a-token/")
    assert page.get_by_text("This invitation link is not valid.").is_visible()
    assert_accessible(page)


def test_invitee_chooses_a_password_and_lands_signed_in(browser_page, assert_accessible):
    from django.core import mail

    from accounts.services import invitation_send

    page = browser_page
    newcomer = PersonFactory(user=None, email="new.hire@example.gov")
    invitation_send(email=newcomer.email, invited_by=None)  # no transaction here: mails at once
    link = next(word for word in mail.outbox[-1].body.split() if "/account/invitation/" in word)
    page.goto("/account/invitation/" + link.split("/account/invitation/")[1])
    assert_accessible(page)
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("short")
    page.get_by_role("button", name="Create my sign-in").click()
    assert page.get_by_text("too short").first.is_visible()
    assert_accessible(page)
    page.locator("#id_password1").fill("quiet-harbour-lights")
    page.locator("#id_password2").fill("quiet-harbour-lights")
    page.get_by_role("button", name="Create my sign-in").click()
    page.wait_for_load_state()
    newcomer.refresh_from_db()
    assert newcomer.user is not None
    page.goto("/people/me/plan/")
    assert page.get_by_role("heading", level=1).inner_text() == "My development plan"
    assert_accessible(page)


def test_password_reset_pages_are_accessible(browser_page, assert_accessible):
    page = browser_page
    page.goto("/accounts/password/reset/")
    assert_accessible(page)
    page.get_by_label("Email").fill("nobody@example.gov")
    page.get_by_role("button", name="Send the reset link").click()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    assert_accessible(page)
