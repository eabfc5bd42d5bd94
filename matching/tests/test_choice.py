"""Mentee choice: suggestions with reasons, ranking up to three, mentors accepting and declining."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchRun, MenteeChoice
from matching.services.choice import mentee_suggestions
from matching.tests.world import build_world
from programs.tests.factories import MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def choice_world(db):
    # Six mentors so a mentee has more than five to choose from; two places each.
    world = build_world(mentors=6, mentees=4, capacity=2, mentee_choice=True)
    # Each mentor teaches two skills, so most have no skill fit for a mentee: a cycle that
    # matches everyone still suggests five.
    world.cycle.match_everyone = True
    world.cycle.save()
    return world


def _choose(client, world, mentee, *mentors):
    client.force_login(mentee.user)
    data = dict(zip(("first", "second", "third"), (str(m.pk) for m in mentors), strict=False))
    return client.post(reverse("matching:choice", args=[world.cycle.pk]), data)


def test_mentee_sees_their_top_five_with_reasons(client, choice_world):
    mentee = choice_world.mentees[1]
    client.force_login(mentee.user)
    response = client.get(reverse("matching:choice", args=[choice_world.cycle.pk]))
    assert response.status_code == 200
    suggested = response.context["suggested"]
    assert len(suggested) == 5
    choice_world.cycle.match_everyone = False
    choice_world.cycle.save()
    # by default, only the two mentors who teach her skill: a mentor with no skill fit is no suggestion
    default = client.get(reverse("matching:choice", args=[choice_world.cycle.pk])).context["suggested"]
    assert [s.person for s in default] == [choice_world.mentors[1], choice_world.mentors[0]]
    suggested = response.context["suggested"]
    assert len(suggested) == 5
    assert suggested[0].person == choice_world.mentors[1]  # teaches mentee 1's skill at level 4
    assert [s.score for s in suggested] == sorted((s.score for s in suggested), reverse=True)
    html = response.content.decode()
    assert f"{choice_world.skills[1].name} (you aim for level 3): teaches it at level 4" in html


def test_mentee_ranks_up_to_three_distinct_suggested_mentors(client, choice_world):
    mentee, m = choice_world.mentees[1], choice_world.mentors
    response = _choose(client, choice_world, mentee, m[1], m[0], m[2])
    assert response.status_code == 302
    ranked = list(MenteeChoice.objects.filter(mentee=mentee).order_by("rank").values_list("mentor_id", "rank"))
    assert ranked == [(m[1].pk, 1), (m[0].pk, 2), (m[2].pk, 3)]
    # Re-ranking replaces the ranking, keeping one row per mentor.
    _choose(client, choice_world, mentee, m[2])
    assert list(MenteeChoice.objects.filter(mentee=mentee).values_list("mentor_id", "rank")) == [(m[2].pk, 1)]


def test_ranking_the_same_mentor_twice_is_refused_and_keeps_the_choices(client, choice_world):
    mentee, m = choice_world.mentees[1], choice_world.mentors
    response = _choose(client, choice_world, mentee, m[1], m[1])
    assert response.status_code == 400
    assert "Choose each mentor only once." in response.content.decode()
    assert response.context["form"]["first"].value() == str(m[1].pk)
    assert not MenteeChoice.objects.exists()


def test_a_mentor_outside_the_suggestions_cannot_be_ranked(client, choice_world):
    mentee = choice_world.mentees[1]
    suggested = {s.person.pk for s in mentee_suggestions(cycle=choice_world.cycle, mentee=mentee)}
    outsider = next(m for m in choice_world.mentors if m.pk not in suggested)
    response = _choose(client, choice_world, mentee, outsider)
    assert response.status_code == 400 and not MenteeChoice.objects.exists()


def test_ranking_is_closed_after_the_deadline(client, choice_world):
    choice_world.cycle.choice_deadline = timezone.localdate() - timedelta(days=1)
    choice_world.cycle.save()
    response = _choose(client, choice_world, choice_world.mentees[1], choice_world.mentors[1])
    assert response.status_code == 302 and not MenteeChoice.objects.exists()
    page = client.get(reverse("matching:choice", args=[choice_world.cycle.pk]))
    assert "The deadline to choose was" in page.content.decode()


def test_the_engine_honours_the_mentees_ranking(client, choice_world, make_run):
    mentee = choice_world.mentees[1]
    second_best = mentee_suggestions(cycle=choice_world.cycle, mentee=mentee)[1].person
    _choose(client, choice_world, mentee, second_best)
    run = make_run(choice_world)
    proposal = run.proposals.get(mentee=mentee)
    assert proposal.mentor == second_best
    assert proposal.explanation["components"]["choice"] == 30.0


def test_mentors_whose_places_are_taken_stop_appearing(client, choice_world):
    best = choice_world.mentors[1]
    MentorshipFactory(cycle=choice_world.cycle, mentor=best, mentee=choice_world.mentees[0])
    other = choice_world.mentees[3]
    MenteeChoice.objects.create(
        cycle=choice_world.cycle, mentee=other, mentor=best, rank=1, status=MenteeChoice.Status.ACCEPTED
    )
    suggested = [s.person for s in mentee_suggestions(cycle=choice_world.cycle, mentee=choice_world.mentees[1])]
    assert best not in suggested and len(suggested) == 5


def test_mentor_sees_only_requests_addressed_to_them_and_declines_one(client, choice_world, django_capture_on_commit_callbacks):
    mentee, m = choice_world.mentees[1], choice_world.mentors
    _choose(client, choice_world, mentee, m[1], m[0])
    client.force_login(m[1].user)
    rows = client.get(reverse("matching:requests")).context["rows"]
    assert [(r.mentee, r.rank) for r in rows] == [(mentee, 1)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:request-decide", args=[rows[0].pk]), {"decision": "decline", "note": "I am away in May."}
        )
    assert response.status_code == 302
    declined = MenteeChoice.objects.get(mentor=m[1], mentee=mentee)
    assert declined.status == MenteeChoice.Status.DECLINED and declined.rank is None
    assert [msg.to for msg in mail.outbox] == [[mentee.email]]
    assert "I am away in May." in mail.outbox[0].body
    # The mentee now gets the next suggestions, without the mentor who declined.
    suggested = [s.person for s in mentee_suggestions(cycle=choice_world.cycle, mentee=mentee)]
    assert m[1] not in suggested and len(suggested) == 5
    response = _choose(client, choice_world, mentee, m[1])
    assert response.status_code == 400
    assert "a mentor who declined, or whose places are taken, is no longer listed" in response.content.decode()


def test_mentor_accepts_within_capacity_only(client, choice_world):
    mentor = choice_world.mentors[1]
    for mentee in choice_world.mentees[:3]:
        MenteeChoice.objects.create(cycle=choice_world.cycle, mentee=mentee, mentor=mentor, rank=1)
    client.force_login(mentor.user)
    for choice in MenteeChoice.objects.order_by("pk"):
        client.post(reverse("matching:request-decide", args=[choice.pk]), {"decision": "accept"})
    statuses = list(MenteeChoice.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["accepted", "accepted", "pending"]  # two places


def test_a_mentor_cannot_answer_anyone_elses_request(client, choice_world):
    choice = MenteeChoice.objects.create(
        cycle=choice_world.cycle, mentee=choice_world.mentees[1], mentor=choice_world.mentors[1], rank=1
    )
    client.force_login(choice_world.mentors[2].user)
    assert client.post(reverse("matching:request-decide", args=[choice.pk]), {"decision": "decline"}).status_code == 404
    client.force_login(choice_world.mentees[1].user)
    assert client.post(reverse("matching:request-decide", args=[choice.pk]), {"decision": "accept"}).status_code == 404
    assert MenteeChoice.objects.get().status == MenteeChoice.Status.PENDING


def test_a_mentee_only_ever_sees_their_own_suggestions_and_choices(client, choice_world):
    me, other = choice_world.mentees[1], choice_world.mentees[2]
    MenteeChoice.objects.create(cycle=choice_world.cycle, mentee=other, mentor=choice_world.mentors[2], rank=1)
    client.force_login(me.user)
    response = client.get(reverse("matching:choice", args=[choice_world.cycle.pk]))
    assert response.context["current"] == []
    assert str(other) not in response.content.decode()
    # A mentor of the cycle is not a mentee: no choice page for them.
    client.force_login(choice_world.mentors[0].user)
    assert client.get(reverse("matching:choice", args=[choice_world.cycle.pk])).status_code == 404


def test_choice_pages_show_nothing_of_unpublished_runs(client, choice_world, make_run):
    run = make_run(choice_world)
    mentee = run.proposals.first().mentee
    client.force_login(mentee.user)
    html = client.get(reverse("matching:choice", args=[choice_world.cycle.pk])).content.decode()
    assert "Your mentor this cycle" not in html
    assert client.get(run.get_absolute_url()).status_code == 403
    assert MatchRun.objects.filter(published_at__isnull=True).exists()


def test_nav_offers_the_choice_to_mentees_and_requests_to_mentors(client, choice_world):
    client.force_login(choice_world.mentees[0].user)
    assert "Choose your mentor" in client.get(reverse("matching:choice-list"), follow=True).content.decode()
    client.force_login(choice_world.mentors[0].user)
    html = client.get(reverse("matching:requests")).content.decode()
    assert "Mentee requests" in html and "Choose your mentor" not in html
    plain = build_world(mentors=1, mentees=1)
    client.force_login(plain.mentees[0].user)
    assert "Choose your mentor" not in client.get(reverse("programs:participant-home")).content.decode()


def test_the_coordinator_sees_how_far_mentee_choice_has_gone(client, choice_world):
    m = choice_world.mentors
    MenteeChoice.objects.create(cycle=choice_world.cycle, mentee=choice_world.mentees[0], mentor=m[0], rank=1)
    MenteeChoice.objects.create(
        cycle=choice_world.cycle, mentee=choice_world.mentees[0], mentor=m[1], rank=2, status="accepted"
    )
    MenteeChoice.objects.create(cycle=choice_world.cycle, mentee=choice_world.mentees[1], mentor=m[1], status="declined")
    client.force_login(choice_world.coordinator)
    html = client.get(reverse("matching:cycle", args=[choice_world.cycle.pk])).content.decode()
    assert "So far 1 mentee ranked mentors; mentors accepted 1 request, declined 1, and 1 waits for an answer." in html
