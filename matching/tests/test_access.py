"""Who may open which matching page: the cycle's coordinators only; participants never see runs."""

import pytest
from django.urls import reverse

from matching.models import MatchBan, MatchProposal
from profiles.tests.factories import CoordinatorFactory, HRAnalystFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world, make_run):
    return make_run(world)


def _coordinator_urls(world, run):
    cycle = world.cycle.pk
    proposal = run.proposals.first()
    ban = MatchBan.objects.create(cycle=world.cycle, mentor=world.mentors[0], mentee=world.mentees[3], reason="x")
    gets = [
        reverse("matching:cycle", args=[cycle]),
        reverse("matching:settings", args=[cycle]),
        reverse("matching:coverage", args=[cycle]),
        reverse("matching:compare", args=[cycle]),
        reverse("matching:run-detail", args=[run.pk]),
        reverse("matching:run-status", args=[run.pk]),
        reverse("matching:run-publish", args=[run.pk]),
    ]
    posts = [
        reverse("matching:run-start", args=[cycle]),
        reverse("matching:ban-create", args=[cycle]),
        reverse("matching:ban-delete", args=[ban.pk]),
        reverse("matching:proposal-lock", args=[run.pk, proposal.pk]),
        reverse("matching:proposal-reject", args=[run.pk, proposal.pk]),
        reverse("matching:run-swap", args=[run.pk]),
        reverse("matching:run-add", args=[run.pk]),
        reverse("matching:run-rerun", args=[run.pk]),
        reverse("matching:run-publish", args=[run.pk]),
    ]
    return gets, posts


def test_anonymous_visitors_are_sent_to_sign_in(client, world, run):
    gets, posts = _coordinator_urls(world, run)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    for url in posts:
        assert client.post(url).status_code == 302, url


@pytest.mark.parametrize("who", ["mentee", "mentor", "hr"])
def test_participants_and_hr_are_refused_every_coordinator_page(client, world, run, who):
    user = {"mentee": world.mentees[1].user, "mentor": world.mentors[1].user, "hr": HRAnalystFactory()}[who]
    client.force_login(user)
    gets, posts = _coordinator_urls(world, run)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url).status_code == 403, url
    assert MatchProposal.objects.filter(run=run, status="proposed").count() == 3


def test_coordinators_of_another_program_find_nothing(client, world, run):
    client.force_login(CoordinatorFactory())
    gets, posts = _coordinator_urls(world, run)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url).status_code == 404, url
    assert client.get(reverse("matching:index")).context["rows"] == []


def test_the_cycles_coordinator_opens_every_page(client, world, run):
    client.force_login(world.coordinator)
    gets, _ = _coordinator_urls(world, run)
    for url in gets:
        assert client.get(url).status_code == 200, url
    rows = client.get(reverse("matching:index")).context["rows"]
    assert rows == [(world.cycle, run)]


def test_participants_see_no_unpublished_pair_anywhere(client, world, run):
    mentee = run.proposals.first().mentee
    client.force_login(mentee.user)
    home = client.get(reverse("programs:participant-home")).content.decode()
    assert str(run.proposals.first().mentor) not in home
    assert client.get(reverse("matching:choice-list")).status_code == 200  # cycle without choice: an empty list
    assert client.get(reverse("matching:choice", args=[world.cycle.pk])).status_code == 404


def test_mentor_requests_page_needs_a_person_and_a_login(client, world):
    assert client.get(reverse("matching:requests")).status_code == 302
    client.force_login(CoordinatorFactory())
    assert client.get(reverse("matching:requests")).status_code == 404
