"""Every way of making a pair refuses a banned pair, a reporting-chain pair and (when the cycle asks)
a mentor below the mentee's grade, with the reason on the page and nothing written.

The four ways: a coordinator pairing by hand, publishing a run, a mentee choosing and a mentor
accepting, a coordinator locking a proposal. In each test the rule is broken *after* the pair
was proposed or requested, as happens in real life (a ban added late, a re-organisation).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import MatchProposal, MenteeChoice
from matching.tests.world import build_world
from profiles.tests.factories import PersonFactory
from programs.models import Mentorship
from programs.services.cycles import CYCLE_EDITABLE_FIELDS

pytestmark = pytest.mark.django_db

RULES = ("ban", "chain", "grade")
REASON = {
    "ban": "is banned for this cycle",
    "chain": "are in the same reporting chain",
    "grade": "this cycle asks for a mentor at or above the mentee&#x27;s grade",
}


def _break(client, world, rule, mentor, mentee):
    """Make the pair (mentor, mentee) break `rule`, as a coordinator or HR data would."""
    if rule == "ban":
        client.force_login(world.coordinator)
        response = client.post(
            reverse("matching:ban-create", args=[world.cycle.pk]),
            {"mentor": mentor.pk, "mentee": mentee.pk, "reason": "Conflict of interest"},
        )
        assert response.status_code == 302
    elif rule == "chain":
        # The mentor becomes the mentee's supervisor's supervisor (a re-organisation after the run).
        middle = PersonFactory(supervisor=mentor)
        mentee.supervisor = middle
        mentee.save(update_fields=["supervisor"])
    else:
        mentor.grade, mentee.grade = "GS-11", "GS-13"
        mentor.save(update_fields=["grade"])
        mentee.save(update_fields=["grade"])
        _turn_on_grade_rule(client, world)


def _turn_on_grade_rule(client, world):
    """The coordinator ticks the option on the cycle's settings form."""
    cycle = world.cycle
    client.force_login(world.coordinator)
    data = {name: getattr(cycle, name) for name in CYCLE_EDITABLE_FIELDS}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data["mentor_grade_at_or_above"] = "on"
    response = client.post(reverse("programs:cycle-edit", args=[cycle.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cycle.refresh_from_db()
    assert cycle.mentor_grade_at_or_above


@pytest.mark.parametrize("rule", RULES)
def test_hand_pairing_refuses_the_pair(client, world, rule):
    mentor, mentee = world.mentors[0], world.mentees[0]
    _break(client, world, rule, mentor, mentee)
    client.force_login(world.coordinator)
    response = client.post(reverse("programs:cycle-pairs", args=[world.cycle.pk]), {"mentor": mentor.pk, "mentee": mentee.pk})
    assert response.status_code == 200
    assert REASON[rule] in response.content.decode()
    assert not Mentorship.objects.exists()
    # Another mentor for the same mentee is still fine: only the broken pair is refused.
    other = world.mentors[1]
    response = client.post(reverse("programs:cycle-pairs", args=[world.cycle.pk]), {"mentor": other.pk, "mentee": mentee.pk})
    assert response.status_code == 302
    assert list(Mentorship.objects.values_list("mentor_id", "mentee_id")) == [(other.pk, mentee.pk)]


@pytest.mark.parametrize("rule", RULES)
def test_publishing_rechecks_every_pair_and_refuses_one_broken_since_the_run(
    client, world, make_run, rule, django_capture_on_commit_callbacks
):
    run = make_run(world)
    proposal = run.proposals.order_by("pk").first()
    client.force_login(world.coordinator)
    assert "publish-problems" not in client.get(reverse("matching:run-publish", args=[run.pk])).content.decode()
    _break(client, world, rule, proposal.mentor, proposal.mentee)
    client.force_login(world.coordinator)
    # The confirmation page already says which pair would be refused, and why.
    confirm = client.get(reverse("matching:run-publish", args=[run.pk])).content.decode()
    assert "1 pair breaks a rule now, so publishing would be refused." in confirm
    assert f"{proposal.mentor} → {proposal.mentee}:" in confirm and REASON[rule] in confirm
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:run-publish", args=[run.pk]))
    html = client.get(run.get_absolute_url()).content.decode()
    assert "Nothing was published: 1 pair(s) break a rule now." in html
    assert REASON[rule] in html
    assert not Mentorship.objects.exists()
    run.refresh_from_db()
    assert run.published_at is None and run.publish_state == "failed"


@pytest.mark.parametrize("rule", RULES)
def test_locking_a_pair_rechecks_it(client, world, make_run, rule):
    run = make_run(world)
    proposal = run.proposals.order_by("pk").first()
    _break(client, world, rule, proposal.mentor, proposal.mentee)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("matching:proposal-lock", args=[run.pk, proposal.pk]), follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "was not locked" in html and REASON[rule] in html
    assert MatchProposal.objects.get(pk=proposal.pk).status == MatchProposal.Status.PROPOSED


@pytest.fixture
def choice_world(db):
    return build_world(mentors=6, mentees=2, capacity=2, mentee_choice=True)


def _choose(client, world, mentee, mentor):
    client.force_login(mentee.user)
    return client.post(reverse("matching:choice", args=[world.cycle.pk]), {"first": str(mentor.pk)})


@pytest.mark.parametrize("rule", RULES)
def test_a_mentee_cannot_choose_the_pair(client, choice_world, rule):
    mentee, mentor = choice_world.mentees[0], choice_world.mentors[0]
    assert _choose(client, choice_world, mentee, mentor).status_code == 302  # allowed at first
    _break(client, choice_world, rule, mentor, mentee)
    # The request still shows on the mentee's page; saving the ranking again is refused, by name.
    response = _choose(client, choice_world, mentee, mentor)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"You cannot choose {mentor}:" in html and REASON[rule] in html
    # The broken mentor is no longer suggested.
    suggested = client.get(reverse("matching:choice", args=[choice_world.cycle.pk])).context["suggested"]
    assert mentor not in [s.person for s in suggested]


@pytest.mark.parametrize("rule", RULES)
def test_a_mentor_cannot_accept_the_pair(client, choice_world, rule):
    mentee, mentor = choice_world.mentees[0], choice_world.mentors[0]
    assert _choose(client, choice_world, mentee, mentor).status_code == 302
    _break(client, choice_world, rule, mentor, mentee)
    request_ = MenteeChoice.objects.get(mentee=mentee, mentor=mentor)
    client.force_login(mentor.user)
    response = client.post(
        reverse("matching:request-decide", args=[request_.pk]), {"decision": "accept", "note": ""}, follow=True
    )
    html = response.content.decode()
    assert f"You cannot accept {mentee}&#x27;s request:" in html and REASON[rule] in html
    assert MenteeChoice.objects.get(pk=request_.pk).status == MenteeChoice.Status.PENDING
    # Declining stays possible.
    client.post(reverse("matching:request-decide", args=[request_.pk]), {"decision": "decline", "note": ""})
    assert MenteeChoice.objects.get(pk=request_.pk).status == MenteeChoice.Status.DECLINED


def test_a_pair_made_before_the_grade_rule_stays_but_is_not_a_lock(client, world, make_run):
    mentor, mentee = world.mentors[0], world.mentees[0]
    Mentorship.objects.create(cycle=world.cycle, mentor=mentor, mentee=mentee)
    _break(client, world, "grade", mentor, mentee)
    run = make_run(world)
    assert run.status == "done", run.message
    assert not run.proposals.filter(mentee=mentee).exists()  # served already, not re-proposed
    assert not run.proposals.filter(mentor=mentor).exists()  # their one place is the pair that stands


def test_the_engine_never_proposes_a_mentor_below_the_grade(client, world, make_run):
    for person in world.mentors:
        person.grade = "GS-9"
        person.save(update_fields=["grade"])
    world.mentors[2].grade = "GS-14"
    world.mentors[2].save(update_fields=["grade"])
    for person in world.mentees:
        person.grade = "GS-12"
        person.save(update_fields=["grade"])
    _turn_on_grade_rule(client, world)
    run = make_run(world)
    assert run.status == "done", run.message
    assert set(run.proposals.values_list("mentor_id", flat=True)) == {world.mentors[2].pk}
