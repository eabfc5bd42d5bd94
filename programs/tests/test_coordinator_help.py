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


def test_the_list_filters_by_status_and_links_the_pair_and_both_people(client, world):
    from django.utils import timezone

    open_request = help_request_create(mentorship=world.pair, by=world.pair.mentee, kind="help", message="Still stuck")
    done_pair = MentorshipFactory(cycle=world.cycle)
    done = help_request_create(mentorship=done_pair, by=done_pair.mentee, kind="help", message="Sorted out now")
    HelpRequest.objects.filter(pk=done.pk).update(resolved_at=timezone.now(), resolution="Called them")
    PairFlag.objects.filter(mentorship=done_pair).update(resolved_at=timezone.now(), resolution="Called them")
    url = reverse("programs:cycle-help", args=[world.cycle.pk])

    opened = client.get(url)
    assert [r.pk for r in opened.context["help_requests"]] == [open_request.pk]
    body = opened.content.decode()
    assert "Sorted out now" not in body
    for href in (
        world.pair.get_absolute_url(),
        reverse("profiles:person-detail", args=[world.pair.mentor_id]),
        reverse("profiles:person-detail", args=[world.pair.mentee_id]),
        reverse("programs:pair-end", args=[world.pair.pk]),
    ):
        assert f'href="{href}"' in body

    resolved = client.get(url, {"status": "resolved"})
    assert [r.pk for r in resolved.context["help_requests"]] == [done.pk]
    assert [f.mentorship_id for f in resolved.context["flags"]] == [done_pair.pk]
    text = resolved.content.decode()
    assert "Resolved help requests" in text and "Called them" in text and "Still stuck" not in text
    assert 'name="resolution"' not in text  # nothing left to resolve

    everything = client.get(url, {"status": "all"})
    assert {r.pk for r in everything.context["help_requests"]} == {open_request.pk, done.pk}
    # An unknown status is the default, never an error.
    assert client.get(url, {"status": "<script>"}).context["status"] == "open"
