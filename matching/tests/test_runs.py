"""Starting and executing match runs: what goes into the engine and what comes back."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from matching import tasks
from matching.models import MatchBan, MatchProposal, MatchRun, MatchSettings
from matching.services import runs
from matching.services.inputs import cycle_input
from profiles.tests.factories import PersonFactory
from programs.models import Enrollment
from programs.tests.factories import CycleFactory, EnrollmentFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


def test_coordinator_starts_a_run_that_is_queued_then_executed_after_commit(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("matching:run-start", args=[world.cycle.pk]))
    run = MatchRun.objects.get(cycle=world.cycle)
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert run.status == MatchRun.Status.QUEUED and len(callbacks) == 1
    page = client.get(run.get_absolute_url()).content.decode()
    assert page.count("Refresh") == 1 and "<progress" in page and 'aria-valuenow="0"' in page

    from common.progress import progress_set

    progress_set(run.progress_key, step="Step 2 of 3: the engine is pairing", done=1, total=3)  # as the worker would
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Step 2 of 3: the engine is pairing (33%)" in page and 'aria-valuenow="33"' in page
    assert client.get(reverse("matching:run-status", args=[run.pk])).json()["progress"]["percent"] == 33

    callbacks[0]()  # the broker-less test setup runs the task in-process
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert run.started_at and run.finished_at and run.timings["engine_s"] >= 0
    status = client.get(reverse("matching:run-status", args=[run.pk])).json()
    assert status == {"status": "done", "label": "Done", "message": "", "finished": True, "progress": None}
    assert "<progress" not in client.get(run.get_absolute_url()).content.decode()


def test_a_run_stores_its_settings_pairs_score_and_coverage(world, make_run):
    MatchSettings.objects.create(cycle=world.cycle, data={"min_score": 1.5, "k": 7}, mode="optimal")
    run = make_run(world)
    assert run.settings["min_score"] == 1.5 and run.settings["k"] == 7
    proposals = list(run.proposals.all())
    # Three mentors with one place each, four mentees: three pairs, one mentee left out.
    assert len(proposals) == run.matched_count == 3
    assert run.mentee_count == 4 and run.coverage_mentees == pytest.approx(0.75)
    assert run.total_score == pytest.approx(sum(p.score for p in proposals), abs=0.01)
    assert run.coverage_goals == pytest.approx(3 / 4)
    for p in proposals:
        assert sum(p.explanation["components"].values()) == pytest.approx(p.score, abs=0.01)
        assert p.explanation["goals"][0]["covered"] is True
        assert p.mentor_id == world.mentors[world.mentees.index(p.mentee) % 3].pk
    assert [u["reason"] for u in run.unmatched] == ["full"]


def test_the_run_page_shows_the_certificate_of_optimality(client, world, make_run):
    MatchSettings.objects.create(cycle=world.cycle, data={"k": 1, "tie_seed": 7}, mode="optimal")
    run = make_run(world)
    # k=1 keeps one candidate per mentee; the certificate must still prove the whole optimum
    assert run.certificate_proven and run.certificate_rounds >= 1 and run.tie_seed == 7
    client.force_login(world.coordinator)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Proven optimal:</strong> no allowed pair outside the candidate list could raise the total" in page
    assert f"{run.certificate_rounds} round" in page and f"{run.certificate_pairs_added} pair" in page
    assert "seed 7" in page


def test_a_stable_run_says_it_is_not_a_maximum(client, world, make_run):
    MatchSettings.objects.create(cycle=world.cycle, data={}, mode="stable")
    run = make_run(world)
    assert not run.certificate_proven and run.certificate_rounds == 0
    client.force_login(world.coordinator)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Proven optimal" not in page and "the total is not maximised" in page


def test_later_settings_changes_do_not_change_a_finished_runs_snapshot(world, make_run):
    run = make_run(world)
    MatchSettings.objects.create(cycle=world.cycle, data={"min_score": 99}, mode="stable")
    run.refresh_from_db()
    assert run.settings["min_score"] == 0.0 and run.mode == "optimal"
    assert make_run(world).mode == "stable"


def test_active_pairs_of_the_cycle_are_kept_as_locks(world, make_run):
    existing = MentorshipFactory(cycle=world.cycle, mentor=world.mentors[0], mentee=world.mentees[1])
    run = make_run(world)
    kept = run.proposals.get(mentee=world.mentees[1])
    assert kept.mentor == world.mentors[0] and kept.status == MatchProposal.Status.LOCKED
    assert kept.mentorship == existing
    # Mentor 0's only place is taken, so mentee 0 (who needs skill 0) does not get them.
    assert not run.proposals.filter(mentor=world.mentors[0]).exclude(pk=kept.pk).exists()


def test_bans_earlier_pairs_and_reporting_chains_are_never_proposed(db, make_run):
    from matching.tests.world import build_world

    world = build_world(capacity=2)
    MatchBan.objects.create(cycle=world.cycle, mentor=world.mentors[1], mentee=world.mentees[1], reason="Conflict")
    MentorshipFactory(cycle=CycleFactory(program=world.cycle.program), mentor=world.mentors[2], mentee=world.mentees[2])
    world.mentees[0].supervisor = world.mentors[0]
    world.mentees[0].save()
    run = make_run(world)
    pairs = set(run.proposals.values_list("mentor_id", "mentee_id"))
    assert (world.mentors[1].pk, world.mentees[1].pk) not in pairs
    assert (world.mentors[2].pk, world.mentees[2].pk) not in pairs
    assert (world.mentors[0].pk, world.mentees[0].pk) not in pairs
    # The explanation of mentee 1's pair names the banned mentor and the rule.
    p1 = run.proposals.get(mentee=world.mentees[1])
    assert {"mentor_id": world.mentors[1].pk, "mentor_name": world.mentors[1].full_name, "rules": ["ban"]} in (
        p1.explanation["removed"]
    )


def test_only_approved_still_employed_people_are_candidates(world):
    EnrollmentFactory(cycle=world.cycle, role=Enrollment.Role.MENTEE, status=Enrollment.Status.PENDING)
    gone = PersonFactory(separated_on="2020-01-01")
    EnrollmentFactory(cycle=world.cycle, person=gone, role=Enrollment.Role.MENTOR)
    data = cycle_input(world.cycle)
    assert {m.id for m in data.problem.mentees} == {p.pk for p in world.mentees}
    assert {m.id for m in data.problem.mentors} == {p.pk for p in world.mentors}


def test_building_the_input_takes_the_same_queries_for_a_bigger_cycle(world, django_assert_max_num_queries):
    from matching.tests.world import build_world

    # One query per kind of input (people, skills, goals, chains, prior pairs, bans, pairs ended
    # in the cycle, choices, speed-round wishes...); what matters is the second check: no more
    # for a bigger cycle.
    with django_assert_max_num_queries(14) as small:
        cycle_input(world.cycle)
    bigger = build_world(mentors=12, mentees=30, capacity=2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = cycle_input(bigger.cycle)
    assert len(data.problem.mentees) == 30


def test_a_carried_over_lock_that_a_rule_now_forbids_fails_the_run_in_names(world, make_run):
    run = make_run(world)
    proposal = run.proposals.first()
    runs_lock = MatchProposal.objects.filter(pk=proposal.pk)
    runs_lock.update(status=MatchProposal.Status.LOCKED)
    MatchBan.objects.create(cycle=world.cycle, mentor=proposal.mentor, mentee=proposal.mentee, reason="Later ban")
    rerun = make_run(world, parent=run)
    assert rerun.status == MatchRun.Status.FAILED
    assert rerun.message == (
        f"The locked pair {proposal.mentor} → {proposal.mentee} is no longer allowed (the coordinator banned "
        f"this pair): unlock it in run {run.pk} and re-run."
    )
    assert not rerun.proposals.exists()


def test_an_active_pair_that_a_rule_now_forbids_is_kept_out_of_the_run_not_failed(world, make_run):
    MentorshipFactory(cycle=world.cycle, mentor=world.mentors[0], mentee=world.mentees[1])
    world.mentees[1].supervisor = world.mentors[0]  # a reorganisation after the pair was made
    world.mentees[1].save()
    run = make_run(world)
    assert run.status == MatchRun.Status.DONE
    assert not run.proposals.filter(mentee=world.mentees[1]).exists()
    # The pair still uses mentor 0's only place.
    assert not run.proposals.filter(mentor=world.mentors[0]).exists()


def test_executing_a_finished_run_again_changes_nothing(world, make_run):
    run = make_run(world)
    before = list(run.proposals.values_list("pk", flat=True))
    runs.run_execute(run_id=run.pk)
    assert list(run.proposals.values_list("pk", flat=True)) == before


def test_the_task_retries_on_database_errors_and_acks_late():
    assert tasks.execute_run.acks_late is True
    assert OperationalError in tasks.execute_run.autoretry_for


def test_without_a_reachable_broker_the_run_waits_queued_and_the_sweep_runs_it(client, world, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from common.models import PendingTask
    from notifications.services import sweep

    client.force_login(world.coordinator)
    conf = tasks.execute_run.app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = False  # as in production, where a broker is configured but down
    try:
        with mock.patch.object(tasks.execute_run, "apply_async", side_effect=OSError("no broker")):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(reverse("matching:run-start", args=[world.cycle.pk]))
    finally:
        conf.task_always_eager = eager
    run = MatchRun.objects.get(cycle=world.cycle)
    assert response.status_code == 302
    assert run.status == MatchRun.Status.QUEUED  # not run in the request
    assert list(PendingTask.objects.values_list("task", "args")) == [("matching.tasks.execute_run", [run.pk])]

    sweep(now=timezone.now() + timedelta(minutes=2))  # broker back (in-process here)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE and run.matched_count == 3
    assert not PendingTask.objects.exists()
