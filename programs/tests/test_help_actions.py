"""Acting on a help request from the help-and-flags page: reply (mailed) and end the pair.

The rematch action lives in matching (matching/tests/test_rematch.py)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from notifications.models import Delivery, Kind
from programs.models import HelpReply, Mentorship, PairFlag
from programs.services.requests import help_request_create
from programs.tests.coordinator_world import make_world
from programs.tests.factories import MentorshipFactory

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


def _reply(client, help_request, text):
    return client.post(reverse("programs:help-reply", args=[help_request.pk]), {"text": text}, follow=True)


def test_a_reply_is_kept_shown_to_who_asked_and_mailed_once(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _reply(client, world.request, "I will call you both on Monday.")
    assert response.status_code == 200 and "Reply sent" in response.content.decode()
    reply = HelpReply.objects.get()
    assert reply.help_request == world.request and reply.author == world.coordinator
    # On the coordinator's page, under the request.
    page = client.get(reverse("programs:cycle-help", args=[world.cycle.pk])).content.decode()
    assert "I will call you both on Monday." in page
    # Through the ledger, once, to the participant who asked; the worker sent it.
    rows = Delivery.objects.filter(kind=Kind.HELP_REPLY)
    assert [(r.email, r.object_id) for r in rows] == [(world.pair.mentee.email, reply.pk)]
    assert [m.to for m in mail.outbox] == [[world.pair.mentee.email]]
    assert "I will call you both on Monday." in mail.outbox[0].body
    assert f"/programs/pairs/{world.pair.pk}/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="help.reply").count() == 1
    # The participant reads it on their own request; the other person of the pair does not.
    client.force_login(world.pair.mentee.user)
    mine = client.get(world.pair.get_absolute_url()).content.decode()
    assert "I will call you both on Monday." in mine and "We never manage to meet." in mine
    client.force_login(world.pair.mentor.user)
    theirs = client.get(world.pair.get_absolute_url()).content.decode()
    assert "I will call you both on Monday." not in theirs and "We never manage to meet." not in theirs


def test_the_same_reply_twice_is_kept_and_mailed_once(client, world):
    client.force_login(world.coordinator)
    _reply(client, world.request, "On it.")
    again = _reply(client, world.request, "On it.")
    assert "already sent" in again.content.decode()
    assert HelpReply.objects.count() == 1
    assert Delivery.objects.filter(kind=Kind.HELP_REPLY).count() == 1


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\x7f", "\u0085\u009f"])
def test_an_empty_reply_is_refused_with_a_message(client, world, text):
    client.force_login(world.coordinator)
    response = _reply(client, world.request, text)
    assert response.status_code == 200 and "Nothing was sent" in response.content.decode()
    assert not HelpReply.objects.exists() and not Delivery.objects.filter(kind=Kind.HELP_REPLY).exists()


def test_control_characters_are_taken_out_of_a_reply(client, world):
    client.force_login(world.coordinator)
    _reply(client, world.request, "Call\x00 me\x0b back\u0085")
    assert HelpReply.objects.get().text == "Call me back"


def test_a_reply_too_long_is_refused(client, world):
    client.force_login(world.coordinator)
    response = _reply(client, world.request, "x" * 4001)
    assert "Nothing was sent" in response.content.decode() and not HelpReply.objects.exists()


@pytest.mark.parametrize("who", ["anon", "mentee", "mentor", "other_participant", "other_coordinator", "hr"])
def test_only_the_programs_coordinators_may_reply(client, world, who):
    users = {
        "mentee": world.pair.mentee.user,
        "mentor": world.pair.mentor.user,
        "other_participant": world.other_pair.mentee.user,
        "other_coordinator": world.other_coordinator,
        "hr": world.hr,
    }
    if who != "anon":
        client.force_login(users[who])
    response = client.post(reverse("programs:help-reply", args=[world.request.pk]), {"text": "Sneaky"})
    expected = {"anon": 302, "other_coordinator": 404}.get(who, 403)
    assert response.status_code == expected
    assert not HelpReply.objects.exists() and not Delivery.objects.filter(kind=Kind.HELP_REPLY).exists()


def test_reply_needs_a_post(client, world):
    client.force_login(world.coordinator)
    assert client.get(reverse("programs:help-reply", args=[world.request.pk])).status_code == 405


def test_the_help_page_offers_reply_rematch_and_end(client, world):
    client.force_login(world.coordinator)
    page = client.get(reverse("programs:cycle-help", args=[world.cycle.pk])).content.decode()
    assert reverse("programs:help-reply", args=[world.request.pk]) in page
    assert reverse("matching:rematch", args=[world.pair.pk]) in page
    assert reverse("programs:pair-end", args=[world.pair.pk]) in page
    assert f'name="help_request" value="{world.request.pk}"' in page


def test_the_help_page_reads_replies_in_fixed_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.coordinator)
    url = reverse("programs:cycle-help", args=[world.cycle.pk])
    client.get(url)
    for _ in range(6):
        pair = MentorshipFactory(cycle=world.cycle)
        request = help_request_create(mentorship=pair, by=pair.mentee, kind="help", message="Help")
        HelpReply.objects.create(help_request=request, author=world.coordinator, text="Soon")
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.content.decode().count("Soon") == 6


def test_ending_the_pair_from_the_help_page_uses_the_end_service(client, world):
    client.force_login(world.coordinator)
    response = client.post(reverse("programs:pair-end", args=[world.pair.pk]), {"reason": "Mentor left the team."})
    assert response.status_code == 302
    world.pair.refresh_from_db()
    assert world.pair.status == Mentorship.Status.ENDED
    assert not PairFlag.objects.filter(mentorship=world.pair, resolved_at__isnull=True).exists()
