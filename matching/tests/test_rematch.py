"""Starting a rematch from a help request: the pair ends, the mentee is back in matching without the old mentor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from matching.models import MatchProposal
from matching.services import runs as match_runs
from profiles.tests.factories import DevelopmentGoalFactory, PersonSkillFactory, SkillFactory
from programs.models import Enrollment, HelpRequest, Mentorship, PairFlag
from programs.services.requests import help_request_create
from programs.tests.coordinator_world import make_world
from programs.tests.factories import EnrollmentFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    world = make_world()
    world.pair = MentorshipFactory(cycle=world.cycle)
    world.request = help_request_create(
        mentorship=world.pair, by=world.pair.mentee, kind="rematch", message="We never manage to meet."
    )
    world.other_pair = MentorshipFactory(cycle=world.cycle)
    return world


@pytest.fixture
def matchable(world):
    """Approved people for the pair, a second mentor who fits the mentee, and a run under review."""
    skill = SkillFactory(name="Budgeting")
    DevelopmentGoalFactory(person=world.pair.mentee, skill=skill, target_level=3)
    EnrollmentFactory(cycle=world.cycle, person=world.pair.mentee, role=Enrollment.Role.MENTEE)
    EnrollmentFactory(cycle=world.cycle, person=world.pair.mentor, role=Enrollment.Role.MENTOR, capacity=2)
    world.new_mentor = EnrollmentFactory(cycle=world.cycle, role=Enrollment.Role.MENTOR, capacity=1).person
    for mentor in (world.pair.mentor, world.new_mentor):
        PersonSkillFactory(person=mentor, skill=skill, level=4, will_teach=True)
    run = match_runs.run_start(cycle=world.cycle, by=world.coordinator)
    world.run = match_runs.run_execute(run_id=run.pk)
    return world


def _rematch(client, world, **data):
    payload = {"reason": "The mentee asked for a new match.", "help_request": world.request.pk, **data}
    return client.post(reverse("matching:rematch", args=[world.pair.pk]), payload)


def test_rematch_ends_the_pair_and_lands_on_matching_with_the_mentee_ready(client, matchable):
    world = matchable
    locked = MatchProposal.objects.get(run=world.run, mentee=world.pair.mentee)
    assert locked.status == MatchProposal.Status.LOCKED  # the active pair, as every run keeps it
    client.force_login(world.coordinator)
    response = _rematch(client, world)
    target = reverse("matching:cycle", args=[world.cycle.pk])
    assert response.status_code == 302 and response["Location"] == f"{target}?ready={world.pair.mentee_id}#ready"
    world.pair.refresh_from_db()
    assert world.pair.status == Mentorship.Status.ENDED and world.pair.end_reason.startswith("Rematch:")
    world.request.refresh_from_db()
    assert world.request.resolved_at is not None and world.request.resolved_by == world.coordinator
    assert not PairFlag.objects.filter(mentorship=world.pair, resolved_at__isnull=True).exists()
    # The old pair leaves the run under review, so a re-run does not lock it again.
    locked.refresh_from_db()
    assert locked.status == MatchProposal.Status.REJECTED
    entry = AuditEntry.objects.get(action="matching.rematch")
    assert (
        entry.data["reason"] == "The mentee asked for a new match." and entry.data["help_request"] == world.request.pk
    )
    # The matching page offers the mentee's best mentors now, never the old one.
    page = client.get(response["Location"])
    assert page.context["ready"] == world.pair.mentee
    suggested = [s.person for s in page.context["ready_suggestions"]]
    assert suggested == [world.new_mentor]
    assert f'name="mentee" value="{world.pair.mentee_id}"' in page.content.decode()


def test_after_a_rematch_a_new_run_proposes_a_new_mentor(client, matchable):
    world = matchable
    client.force_login(world.coordinator)
    _rematch(client, world)
    rerun = match_runs.run_execute(
        run_id=match_runs.run_start(cycle=world.cycle, by=world.coordinator, parent=world.run).pk
    )
    proposal = MatchProposal.objects.get(run=rerun, mentee=world.pair.mentee)
    assert proposal.mentor == world.new_mentor and proposal.status == MatchProposal.Status.PROPOSED
    match_runs.run_publish(run=rerun, by=world.coordinator)
    assert Mentorship.objects.active().get(mentee=world.pair.mentee).mentor == world.new_mentor


def test_pairing_by_hand_from_the_ready_box(client, matchable):
    world = matchable
    client.force_login(world.coordinator)
    _rematch(client, world)
    response = client.post(
        reverse("programs:cycle-pairs", args=[world.cycle.pk]),
        {"mentor": world.new_mentor.pk, "mentee": world.pair.mentee.pk},
    )
    assert response.status_code == 302
    assert Mentorship.objects.active().get(mentee=world.pair.mentee).mentor == world.new_mentor


def test_a_replayed_rematch_is_refused_without_a_second_entry(client, matchable):
    world = matchable
    client.force_login(world.coordinator)
    _rematch(client, world)
    again = client.post(
        reverse("matching:rematch", args=[world.pair.pk]), {"reason": "Again", "help_request": world.request.pk},
        follow=True,
    )  # fmt: skip
    assert "already ended early" in again.content.decode()
    assert AuditEntry.objects.filter(action="matching.rematch").count() == 1
    assert AuditEntry.objects.filter(action="mentorship.end").count() == 1


def test_a_replay_after_the_mentee_was_paired_again_changes_nothing(client, matchable):
    world = matchable
    client.force_login(world.coordinator)
    _rematch(client, world)
    # The pair has ended: the page no longer offers it, but a replayed POST must do no harm.
    MentorshipFactory(cycle=world.cycle, mentee=world.pair.mentee, mentor=world.new_mentor)
    again = _rematch(client, world)
    assert again.status_code == 302 and again["Location"] == reverse("programs:cycle-help", args=[world.cycle.pk])
    assert AuditEntry.objects.filter(action="matching.rematch").count() == 1


def test_rematch_needs_a_reason(client, matchable):
    world = matchable
    client.force_login(world.coordinator)
    response = _rematch(client, world, reason="  \x00 ")
    assert response.status_code == 302
    world.pair.refresh_from_db()
    assert world.pair.status == Mentorship.Status.ACTIVE
    assert not AuditEntry.objects.filter(action="matching.rematch").exists()


def test_rematch_refuses_a_mentee_no_longer_approved(client, matchable):
    world = matchable
    Enrollment.objects.filter(person=world.pair.mentee).update(status=Enrollment.Status.WITHDRAWN)
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:rematch", args=[world.pair.pk]), {"reason": "Asked"}, follow=True)
    assert "no longer an approved mentee" in response.content.decode()
    world.pair.refresh_from_db()
    assert world.pair.status == Mentorship.Status.ACTIVE


def test_rematch_with_another_pairs_request_is_a_404(client, matchable):
    world = matchable
    stranger = HelpRequest.objects.create(
        mentorship=world.other_pair, requested_by=world.other_pair.mentee, kind="help", message="x"
    )
    client.force_login(world.coordinator)
    assert _rematch(client, world, help_request=stranger.pk).status_code == 404
    world.pair.refresh_from_db()
    assert world.pair.status == Mentorship.Status.ACTIVE


@pytest.mark.parametrize("who", ["anon", "mentee", "mentor", "other_participant", "other_coordinator", "hr"])
def test_only_the_programs_coordinators_may_rematch(client, matchable, who):
    world = matchable
    users = {
        "mentee": world.pair.mentee.user,
        "mentor": world.pair.mentor.user,
        "other_participant": world.other_pair.mentee.user,
        "other_coordinator": world.other_coordinator,
        "hr": world.hr,
    }
    if who != "anon":
        client.force_login(users[who])
    response = _rematch(client, world)
    assert response.status_code == {"anon": 302, "other_coordinator": 404}.get(who, 403)
    world.pair.refresh_from_db()
    assert world.pair.status == Mentorship.Status.ACTIVE


def test_rematch_needs_a_post(client, matchable):
    client.force_login(matchable.coordinator)
    assert client.get(reverse("matching:rematch", args=[matchable.pair.pk])).status_code == 405


def test_ready_ignores_someone_not_waiting(client, matchable):
    world = matchable
    client.force_login(world.coordinator)
    url = reverse("matching:cycle", args=[world.cycle.pk])
    for value in (world.pair.mentee_id, "abc", "-1", "99999999", world.new_mentor.pk):
        response = client.get(url, {"ready": value})
        assert response.status_code == 200 and "ready" not in response.context


def test_ready_names_a_mentee_who_never_had_a_pair_as_waiting(client, matchable):
    world = matchable
    waiting = EnrollmentFactory(cycle=world.cycle, role=Enrollment.Role.MENTEE).person
    client.force_login(world.coordinator)
    response = client.get(reverse("matching:cycle", args=[world.cycle.pk]), {"ready": waiting.pk})
    assert response.context["ready"] == waiting and response.context["ready_last"] is None
    assert f"{waiting} is waiting for a mentor" in response.content.decode()
