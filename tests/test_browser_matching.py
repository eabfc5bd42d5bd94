"""Matching in a real browser: a coordinator runs matching, reviews, locks, re-runs and publishes;
a mentee then finds their mentor. axe-core checks the review page."""

import re

import pytest

from conftest import nav_to, sign_out
from matching.models import MatchProposal, MatchRun
from matching.tests.world import build_world
from programs.models import Mentorship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_runs_reviews_locks_reruns_and_publishes_then_a_mentee_sees_their_pair(
    browser_page, login_in_browser, assert_accessible
):
    page = browser_page
    world = build_world(mentors=10, mentees=15, capacity=2)
    cycle = world.cycle

    login_in_browser(page, world.coordinator.email)
    nav_to(page, "Coordinate", "Matching")
    page.get_by_role("link", name=str(cycle)).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(f"Matching for {cycle.name}")
    assert_accessible(page)
    page.get_by_role("button", name="Run matching").click()
    # Without a broker the run executes in-process, so the review page is ready at once.
    page.wait_for_url(re.compile(r"/matching/runs/\d+/$"))
    first = MatchRun.objects.get(cycle=cycle)
    assert first.status == MatchRun.Status.DONE and first.matched_count == 15
    assert_accessible(page)

    # Open an explanation: the components add up to the score.
    page.locator("details.explanation summary").first.click()
    table = page.locator("details[open] table").first
    assert table.is_visible()
    assert "How the score of" in table.locator("caption").inner_text()

    # Lock the first pair, then re-run around it.
    to_lock = MatchProposal.objects.filter(run=first).order_by("-score", "pk").first()
    page.get_by_role("button", name=re.compile(rf"^Lock\W+{to_lock.mentor} and {to_lock.mentee}$")).click()
    assert page.get_by_role("status").get_by_text(f"{to_lock.mentor} → {to_lock.mentee} locked.").is_visible()
    page.get_by_role("button", name="Re-run around the locks").click()
    page.wait_for_url(re.compile(rf"/matching/runs/(?!{first.pk}/)\d+/$"))
    second = MatchRun.objects.exclude(pk=first.pk).get()
    kept = second.proposals.get(mentee=to_lock.mentee)
    assert kept.mentor_id == to_lock.mentor_id and kept.status == MatchProposal.Status.LOCKED
    assert page.get_by_role("cell", name="Locked").first.is_visible()

    # Publish.
    page.get_by_role("link", name="Publish these pairs…").click()
    page.get_by_role("button", name=re.compile(r"^Publish \d+ pairs$")).click()
    page.wait_for_url(re.compile(rf"/matching/runs/{second.pk}/$"))
    assert page.get_by_text("Published on").is_visible()
    assert Mentorship.objects.filter(cycle=cycle).count() == second.proposals.count() == 15
    sign_out(page)

    # The mentee of the locked pair signs in and finds their mentor on their pair page.
    pair = Mentorship.objects.get(cycle=cycle, mentee=to_lock.mentee)
    login_in_browser(page, to_lock.mentee.email)
    page.goto(pair.get_absolute_url())
    assert page.get_by_text(str(to_lock.mentor)).first.is_visible()


def test_the_run_page_follows_a_queued_run_until_it_is_done(browser_page, login_in_browser):
    from matching.services.runs import run_execute

    page = browser_page
    world = build_world(mentors=3, mentees=4)
    # A queued run whose worker has not started yet (no task was sent for it).
    run = MatchRun.objects.create(cycle=world.cycle, settings={}, started_by=world.coordinator)
    login_in_browser(page, world.coordinator.email)
    page.goto(run.get_absolute_url())
    assert page.get_by_role("status").get_by_text("Queued").is_visible()
    assert page.get_by_role("link", name="Refresh").is_visible()
    run_execute(run_id=run.pk)  # the worker finishes; the page polls the status and reloads itself
    page.get_by_text("Mentees matched").first.wait_for()
    assert page.get_by_role("heading", name="Proposed pairs").is_visible()


def test_a_mentee_ranks_suggested_mentors_and_a_mentor_declines(browser_page, login_in_browser, assert_accessible):
    from matching.models import MenteeChoice

    page = browser_page
    world = build_world(mentors=6, mentees=2, capacity=2, mentee_choice=True)
    mentee, best = world.mentees[1], world.mentors[1]

    login_in_browser(page, mentee.email)
    nav_to(page, "Take part", "Choose your mentor")
    assert page.get_by_role("heading", level=1).inner_text() == "Choose your mentor"
    assert page.get_by_role("heading", name=str(best)).is_visible()
    assert_accessible(page)
    page.get_by_label("1st choice").select_option(label=str(best))
    page.get_by_role("button", name="Save my ranking").click()
    assert page.get_by_role("status").get_by_text("Your ranking is saved.").is_visible()
    assert MenteeChoice.objects.get(mentee=mentee).mentor == best
    sign_out(page)

    login_in_browser(page, best.email)
    nav_to(page, "Take part", "Mentee requests")
    assert_accessible(page)
    page.get_by_label(f"Note to {mentee.first_name} (optional)").fill("I am away most of the cycle.")
    page.get_by_role("button", name=re.compile(r"^Decline")).click()
    assert page.get_by_role("status").get_by_text(f"You declined {mentee}").is_visible()
    assert MenteeChoice.objects.get(mentee=mentee).status == MenteeChoice.Status.DECLINED
