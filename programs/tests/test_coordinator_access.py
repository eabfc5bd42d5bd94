"""Every coordinator page, tried as its coordinator, another program's coordinator, a participant, HR and anonymous."""

from collections.abc import Callable

import pytest
from django.urls import reverse

from profiles.tests.factories import PersonFactory
from programs.models import HelpRequest, PairFlag
from programs.tests.coordinator_world import World, make_world
from programs.tests.factories import EventFactory, MentorshipFactory

pytestmark = pytest.mark.django_db

# name -> (method, function building the URL from the world). Pages of one program use the world's objects.
PAGES: dict[str, tuple[str, Callable[[World], str]]] = {
    "program-edit": ("get", lambda w: reverse("programs:program-edit", args=[w.program.slug])),
    "cycle-create": ("get", lambda w: reverse("programs:cycle-create", args=[w.program.slug])),
    "program-events": ("get", lambda w: reverse("programs:program-events", args=[w.program.slug])),
    "event-create": ("get", lambda w: reverse("programs:event-create", args=[w.program.slug])),
    "cycle-detail": ("get", lambda w: reverse("programs:cycle-detail", args=[w.cycle.pk])),
    "cycle-edit": ("get", lambda w: reverse("programs:cycle-edit", args=[w.cycle.pk])),
    "cycle-applications": ("get", lambda w: reverse("programs:cycle-applications", args=[w.cycle.pk])),
    "cycle-pairs": ("get", lambda w: reverse("programs:cycle-pairs", args=[w.cycle.pk])),
    "cycle-help": ("get", lambda w: reverse("programs:cycle-help", args=[w.cycle.pk])),
    "pair-end": ("get", lambda w: reverse("programs:pair-end", args=[w.pair.pk])),
    "pair-complete": ("get", lambda w: reverse("programs:pair-complete", args=[w.pair.pk])),
    "event-edit": ("get", lambda w: reverse("programs:event-edit", args=[w.event.pk])),
    "event-cancel": ("get", lambda w: reverse("programs:event-cancel", args=[w.event.pk])),
    "event-rsvps": ("get", lambda w: reverse("programs:event-rsvps", args=[w.event.pk])),
    "help-resolve": ("post", lambda w: reverse("programs:help-resolve", args=[w.help_request.pk])),
    "flag-resolve": ("post", lambda w: reverse("programs:flag-resolve", args=[w.flag.pk])),
}


# Pages that name no object: any coordinator may open them, nobody else.
ROLE_ONLY_PAGES = {
    "coordinator-home": ("get", lambda w: reverse("programs:coordinator-home")),
    "program-create": ("get", lambda w: reverse("programs:program-create")),
}


@pytest.fixture
def world() -> World:
    world = make_world()
    world.pair = MentorshipFactory(cycle=world.cycle)
    world.event = EventFactory(cycle=world.cycle)
    world.help_request = HelpRequest.objects.create(
        mentorship=world.pair, requested_by=world.pair.mentee, kind=HelpRequest.Kind.HELP, message="Help"
    )
    world.flag = PairFlag.objects.create(mentorship=world.pair, reason=PairFlag.Reason.NO_MEETINGS)
    return world


def _request(client, method: str, url: str):
    if method == "post":
        return client.post(url, {"resolution": "Talked to both"})
    return client.get(url)


@pytest.mark.parametrize("page", [*PAGES, *ROLE_ONLY_PAGES])
def test_the_programs_coordinator_may_use_the_page(client, world, page):
    method, url = {**PAGES, **ROLE_ONLY_PAGES}[page]
    client.force_login(world.coordinator)
    response = _request(client, method, url(world))
    assert response.status_code == (302 if method == "post" else 200)


@pytest.mark.parametrize("page", PAGES)
def test_a_coordinator_of_another_program_gets_404(client, world, page):
    method, url = PAGES[page]
    client.force_login(world.other_coordinator)
    assert _request(client, method, url(world)).status_code == 404
    assert HelpRequest.objects.filter(resolved_at__isnull=True).exists()


@pytest.mark.parametrize("page", [*PAGES, *ROLE_ONLY_PAGES])
def test_participants_and_hr_get_403(client, world, page):
    method, url = {**PAGES, **ROLE_ONLY_PAGES}[page]
    for user in (world.participant.user, world.hr):
        client.force_login(user)
        assert _request(client, method, url(world)).status_code == 403


def test_the_pair_itself_cannot_end_its_own_pair_through_coordinator_pages(client, world):
    client.force_login(world.pair.mentee.user)
    assert client.post(reverse("programs:pair-end", args=[world.pair.pk]), {"reason": "x"}).status_code == 403


@pytest.mark.parametrize("page", [*PAGES, *ROLE_ONLY_PAGES])
def test_anonymous_visitors_are_sent_to_log_in(client, world, page):
    method, url = {**PAGES, **ROLE_ONLY_PAGES}[page]
    response = _request(client, method, url(world))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_coordinator_who_is_also_a_participant_cannot_run_pairs_of_programs_they_do_not_coordinate(client, world):
    person = PersonFactory(user=world.other_coordinator, email=world.other_coordinator.email)
    pair = MentorshipFactory(cycle=world.cycle, mentee=person)
    client.force_login(world.other_coordinator)
    assert client.post(reverse("programs:pair-end", args=[pair.pk]), {"reason": "x"}).status_code == 404
