import pytest
from django.urls import reverse

from programs.models import HelpRequest, PairFlag
from programs.services.requests import help_request_create
from programs.tests.coordinator_world import make_world
from programs.tests.factories import MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    world = make_world()
    world.pair = MentorshipFactory(cycle=world.cycle)
    client.force_login(world.coordinator)
    return world


def test_open_requests_and_flags_are_listed_with_the_pair(client, world):
    help_request_create(mentorship=world.pair, by=world.pair.mentee, kind="rematch", message="We never meet")
    PairFlag.objects.create(mentorship=MentorshipFactory(cycle=world.cycle), reason=PairFlag.Reason.LOW_SCORE)
    response = client.get(reverse("programs:cycle-help", args=[world.cycle.pk]))
    text = response.content.decode()
    assert "We never meet" in text and str(world.pair.mentor) in text
    assert len(response.context["flags"]) == 2  # the rematch flag and the low score


def test_resolving_a_request_with_a_note_closes_its_flag(client, world):
    request = help_request_create(mentorship=world.pair, by=world.pair.mentee, kind="help", message="Stuck")
    response = client.post(reverse("programs:help-resolve", args=[request.pk]), {"resolution": "Called both"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.resolution == "Called both" and request.resolved_by == world.coordinator
    flag = PairFlag.objects.get(mentorship=world.pair, reason=PairFlag.Reason.HELP)
    assert flag.resolved_at is not None and flag.resolution == "Called both"


def test_resolving_needs_a_note(client, world):
    flag = PairFlag.objects.create(mentorship=world.pair, reason=PairFlag.Reason.NO_MEETINGS)
    response = client.post(reverse("programs:flag-resolve", args=[flag.pk]), {"resolution": " "}, follow=True)
    assert "say what was done" in response.content.decode()
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_resolving_a_flag_twice_says_so(client, world):
    flag = PairFlag.objects.create(mentorship=world.pair, reason=PairFlag.Reason.NO_MEETINGS)
    url = reverse("programs:flag-resolve", args=[flag.pk])
    client.post(url, {"resolution": "Nudged them"})
    response = client.post(url, {"resolution": "Again"}, follow=True)
    assert "already resolved" in response.content.decode()
    flag.refresh_from_db()
    assert flag.resolution == "Nudged them" and flag.resolved_by == world.coordinator


def test_resolve_only_accepts_post(client, world):
    request = HelpRequest.objects.create(mentorship=world.pair, requested_by=world.pair.mentor, kind="help", message="x")
    assert client.get(reverse("programs:help-resolve", args=[request.pk])).status_code == 405
