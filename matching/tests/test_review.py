"""Reviewing a run: the page, explanations, lock, reject, swap, add by hand, why not, re-run, compare."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from matching.models import MatchBan, MatchProposal, MatchRun
from matching.tests.world import build_world
from profiles.tests.factories import DevelopmentGoalFactory, PersonFactory, PersonSkillFactory
from programs.models import Enrollment
from programs.tests.factories import CycleFactory, EnrollmentFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world, make_run):
    return make_run(world)


def _proposal(run, mentee):
    return run.proposals.exclude(status=MatchProposal.Status.REJECTED).get(mentee=mentee)


def test_review_page_shows_each_pair_with_an_explanation_that_adds_up(client, world, run):
    client.force_login(world.coordinator)
    response = client.get(run.get_absolute_url())
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.rows) == 3
    for row in page.rows:
        assert sum(points for _, points in row.components) == pytest.approx(row.proposal.score, abs=0.01)
        assert row.goals[0]["covered"]
    html = response.content.decode()
    assert "Skills for the mentee&#x27;s goals" in html and "How the score of" in html
    assert [u.mentee for u in page.unmatched] == [world.mentees[0]] or len(page.unmatched) == 1
    assert "Every allowed mentor is full with a pair that scores higher overall." in html
    # ...and which mentors, taken by whom, in names.
    left_out = page.unmatched[0].mentee
    best = world.mentors[world.mentees.index(left_out) % 3]
    taker = run.proposals.get(mentor=best).mentee
    assert page.unmatched[0].detail.startswith(f"{best} (taken by {taker})")


def test_review_page_sorts_and_filters_by_department_and_unmatched(client, world, run):
    other = PersonFactory(first_name="Zed", last_name="Outside")
    DevelopmentGoalFactory(person=other, skill=world.skills[1], target_level=3)
    client.force_login(world.coordinator)
    low_first = client.get(run.get_absolute_url(), {"sort": "-score"}).context["page"].rows
    assert [r.proposal.score for r in low_first] == sorted(r.proposal.score for r in low_first)
    dept = world.mentees[0].department_id
    rows = client.get(run.get_absolute_url(), {"department": dept}).context["page"].rows
    assert rows and all(r.proposal.mentee.department_id == dept for r in rows)
    only_unmatched = client.get(run.get_absolute_url(), {"show": "unmatched"}).context["page"]
    assert only_unmatched.rows == [] and len(only_unmatched.unmatched) == 1
    assert client.get(run.get_absolute_url(), {"department": "nonsense", "sort": "x"}).status_code == 200


def test_review_page_queries_do_not_grow_with_the_number_of_proposals(
    client, world, make_run, django_assert_max_num_queries
):
    small = make_run(world)
    client.force_login(world.coordinator)
    # 14 for the review itself, 5 for the audit's headline (matching/selectors/audit.py).
    with django_assert_max_num_queries(19) as few:
        assert client.get(small.get_absolute_url()).status_code == 200
    big_world = build_world(mentors=30, mentees=60, capacity=2)
    big_world.cycle.program.coordinators.add(world.coordinator)
    big = make_run(big_world)
    assert big.matched_count == 60
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(big.get_absolute_url(), {"sort": "mentee"})
    # Rows come 50 to a page; the second page has the rest, in the same order.
    assert len(response.context["page"].rows) == 50
    second = client.get(big.get_absolute_url(), {"sort": "mentee", "page": 2}).context["page"].rows
    assert len(second) == 10
    assert second[0].proposal.mentee.last_name > response.context["page"].rows[-1].proposal.mentee.last_name
    assert "sort=mentee&amp;page=2" in response.content.decode()


def test_locking_and_unlocking_a_pair(client, world, run):
    proposal = run.proposals.first()
    client.force_login(world.coordinator)
    url = reverse("matching:proposal-lock", args=[run.pk, proposal.pk])
    response = client.post(url, {"return_query": "sort=-score"})
    assert response.status_code == 302 and response.url.endswith("?sort=-score")
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.LOCKED
    assert AuditEntry.objects.filter(action="matching.lock").exists()
    client.post(url, {"return_query": "next=https://evil.example"})
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.PROPOSED


def test_rejecting_a_pair_leaves_the_mentee_unmatched_and_updates_the_figures(client, world, run):
    proposal = run.proposals.first()
    client.force_login(world.coordinator)
    client.post(reverse("matching:proposal-reject", args=[run.pk, proposal.pk]))
    proposal.refresh_from_db()
    run.refresh_from_db()
    assert proposal.status == MatchProposal.Status.REJECTED
    assert run.matched_count == 2
    page = client.get(run.get_absolute_url()).context["page"]
    assert proposal.mentee in [u.mentee for u in page.unmatched]


def test_a_locked_pair_must_be_unlocked_before_it_is_rejected(client, world, run):
    proposal = run.proposals.first()
    MatchProposal.objects.filter(pk=proposal.pk).update(status=MatchProposal.Status.LOCKED)
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:proposal-reject", args=[run.pk, proposal.pk]), follow=True)
    assert "Unlock this pair before rejecting it." in response.content.decode()
    assert MatchProposal.objects.get(pk=proposal.pk).status == MatchProposal.Status.LOCKED


def test_swapping_two_mentees_mentors_rescores_both(client, world, run):
    a, b = _proposal(run, world.mentees[1]), _proposal(run, world.mentees[2])
    mentor_a, mentor_b = a.mentor, b.mentor
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:run-swap", args=[run.pk]), {"swap-first": a.pk, "swap-second": b.pk})
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.mentor, b.mentor) == (mentor_b, mentor_a)
    assert sum(a.explanation["components"].values()) == pytest.approx(a.score, abs=0.01)
    run.refresh_from_db()
    assert run.total_score == pytest.approx(sum(p.score for p in run.proposals.all()), abs=0.01)


def test_a_swap_that_breaks_a_rule_is_refused_with_the_reason_and_changes_nothing(client, world, run):
    a, b = _proposal(run, world.mentees[1]), _proposal(run, world.mentees[2])
    MatchBan.objects.create(cycle=world.cycle, mentor=b.mentor, mentee=a.mentee, reason="Same team")
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:run-swap", args=[run.pk]), {"swap-first": a.pk, "swap-second": b.pk})
    assert response.status_code == 400
    assert f"The pair {b.mentor} → {a.mentee} is banned for this cycle." in response.content.decode()
    assert response.context["swap_form"]["first"].value() == str(a.pk)
    a.refresh_from_db()
    assert a.mentor != b.mentor


def test_adding_a_pair_by_hand_for_an_unmatched_mentee(client, world, run):
    left_out = client.force_login(world.coordinator) or client.get(run.get_absolute_url()).context["page"].unmatched[0]
    spare = PersonFactory()
    PersonSkillFactory(person=spare, skill=world.skills[0], level=3)
    EnrollmentFactory(cycle=world.cycle, person=spare, role=Enrollment.Role.MENTOR, capacity=1)
    response = client.post(
        reverse("matching:run-add", args=[run.pk]), {"add-mentee": left_out.mentee.pk, "add-mentor": spare.pk}
    )
    assert response.status_code == 302
    added = run.proposals.get(mentee=left_out.mentee)
    assert added.mentor == spare and added.status == MatchProposal.Status.ADDED and added.score > 0
    run.refresh_from_db()
    assert run.matched_count == 4


def test_adding_a_pair_that_breaks_a_rule_says_which(client, world, run):
    client.force_login(world.coordinator)
    left_out = client.get(run.get_absolute_url()).context["page"].unmatched[0].mentee
    boss = PersonFactory(first_name="Boss")
    left_out.supervisor = boss
    left_out.save()
    EnrollmentFactory(cycle=world.cycle, person=boss, role=Enrollment.Role.MENTOR, capacity=1)
    response = client.post(reverse("matching:run-add", args=[run.pk]), {"add-mentee": left_out.pk, "add-mentor": boss.pk})
    assert response.status_code == 400
    assert "same reporting chain" in response.content.decode()
    full = _proposal(run, world.mentees[1]).mentor  # capacity 1, already used in this run
    response = client.post(reverse("matching:run-add", args=[run.pk]), {"add-mentee": left_out.pk, "add-mentor": full.pk})
    assert "mentee(s) in this run; their capacity is 1." in response.content.decode()
    assert not run.proposals.filter(mentee=left_out).exists()


def test_why_not_explains_capacity_in_names(client, world, run):
    client.force_login(world.coordinator)
    left_out = client.get(run.get_absolute_url()).context["page"].unmatched[0].mentee
    wanted = world.mentors[world.mentees.index(left_out) % 3]
    response = client.get(run.get_absolute_url(), {"why-mentee": left_out.pk, "why-mentor": wanted.pk})
    answer = response.context["why_answer"]
    assert answer.startswith(f"{wanted} is full: their places went to ")
    assert str(run.proposals.get(mentor=wanted).mentee) in answer


def test_why_not_names_a_hard_rule(client, world, run):
    MatchBan.objects.create(cycle=world.cycle, mentor=world.mentors[2], mentee=world.mentees[1], reason="x")
    client.force_login(world.coordinator)
    response = client.get(run.get_absolute_url(), {"why-mentee": world.mentees[1].pk, "why-mentor": world.mentors[2].pk})
    assert response.context["why_answer"] == "Not allowed: the coordinator banned this pair."


def test_rerun_keeps_locked_pairs_and_avoids_rejected_ones(client, world, run, django_capture_on_commit_callbacks):
    keep, drop = _proposal(run, world.mentees[1]), _proposal(run, world.mentees[2])
    # Lock mentee 1 with a mentor who is not their best, so the re-run could only keep it because of the lock.
    MatchProposal.objects.filter(pk=keep.pk).update(status=MatchProposal.Status.LOCKED)
    MatchProposal.objects.filter(pk=drop.pk).update(status=MatchProposal.Status.REJECTED)
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:run-rerun", args=[run.pk]))
    new = MatchRun.objects.exclude(pk=run.pk).get()
    assert response.url == new.get_absolute_url() and new.parent == run and new.status == MatchRun.Status.DONE
    assert new.proposals.get(mentee=world.mentees[1]).status == MatchProposal.Status.LOCKED
    assert not new.proposals.filter(mentor=drop.mentor, mentee=drop.mentee).exists()


def test_compare_shows_figures_and_the_pairs_that_differ(client, world, run, make_run):
    MatchProposal.objects.filter(pk=_proposal(run, world.mentees[2]).pk).update(status=MatchProposal.Status.REJECTED)
    second = make_run(world, parent=run)
    client.force_login(world.coordinator)
    response = client.get(reverse("matching:compare", args=[world.cycle.pk]), {"a": run.pk, "b": second.pk})
    comparison = response.context["comparison"]
    # Mentee 2's pair was rejected, which freed mentor 2 for a mentee left out the first time.
    assert comparison.changes and all(c.mentor_a != c.mentor_b for c in comparison.changes)
    live = {r.pk: {(p.mentor_id, p.mentee_id) for p in r.proposals.exclude(status=MatchProposal.Status.REJECTED)}
            for r in (run, second)}
    # mentees 0 and 3 tie for mentor 0, so which one moves follows the seed, not the ids
    assert comparison.same == len(live[run.pk] & live[second.pk]) >= 1
    assert len(second.proposals.exclude(status=MatchProposal.Status.REJECTED)) == 3
    assert client.get(reverse("matching:compare", args=[world.cycle.pk]), {"a": run.pk, "b": run.pk}).context[
        "comparison"
    ] is None


def test_a_published_run_cannot_be_changed(client, world, run):
    from django.utils import timezone

    MatchRun.objects.filter(pk=run.pk).update(published_at=timezone.now())
    proposal = run.proposals.first()
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:proposal-reject", args=[run.pk, proposal.pk]), follow=True)
    assert "This run is published and can no longer be changed." in response.content.decode()
    assert MatchProposal.objects.get(pk=proposal.pk).status == MatchProposal.Status.PROPOSED
    response = client.get(run.get_absolute_url())
    assert "Swap two mentees" not in response.content.decode()


def test_pairs_that_already_exist_cannot_be_rejected_or_swapped_here(client, world, make_run):
    MentorshipFactory(cycle=world.cycle, mentor=world.mentors[1], mentee=world.mentees[1])
    run = make_run(world)
    existing = run.proposals.get(mentee=world.mentees[1])
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:proposal-lock", args=[run.pk, existing.pk]), follow=True)
    assert "already a pair this cycle" in response.content.decode()
    assert MatchProposal.objects.get(pk=existing.pk).status == MatchProposal.Status.LOCKED


def test_ids_of_another_cycles_run_are_not_found(client, world, run):
    other = build_world(cycle=CycleFactory())
    other_run = MatchRun.objects.create(cycle=other.cycle, status=MatchRun.Status.DONE)
    client.force_login(world.coordinator)
    proposal = run.proposals.first()
    assert client.post(reverse("matching:proposal-lock", args=[other_run.pk, proposal.pk])).status_code == 404
