"""Turning nudges off: the profile flag, the signed one-click link, and what still comes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from notifications.models import Delivery, Kind
from notifications.services import sweep
from notifications.tokens import unsubscribe_token
from programs.models import RSVP
from programs.tests.factories import RSVPFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminded(participants, event_in):
    """A week-before reminder went out to each participant (they had been invited earlier)."""
    event = event_in(timedelta(days=6))
    for person in participants:
        RSVPFactory(event=event, person=person, status=RSVP.Status.GOING)
    sweep()
    return event


def _link(message) -> str:
    return re.search(r"https://mentoring\.example\.gov(/notifications/unsubscribe/[^/\s]+/)", message.body).group(1)


def test_every_nudge_carries_a_one_click_link_and_list_unsubscribe_headers(reminded):
    message = mail.outbox[0]
    assert message.subject.startswith("In a week")
    path = _link(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<https://mentoring.example.gov{path}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert path in message.alternatives[0][0]


def test_essential_notices_carry_no_unsubscribe_link(participants, event_in):
    event_in(timedelta(days=20))
    sweep()
    assert mail.outbox and all("List-Unsubscribe" not in m.extra_headers for m in mail.outbox)
    assert all("unsubscribe" not in m.body for m in mail.outbox)


def test_opening_the_link_asks_first_and_changes_nothing(client, reminded, participants):
    response = client.get(_link(mail.outbox[0]))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1") == 1 and "Turn off reminder e-mails" in content
    assert all(p.receives_nudges for p in type(participants[0]).objects.all())


def test_confirming_turns_nudges_off_but_essential_notices_still_come(client, reminded, participants, cycle, event_in):
    message = mail.outbox[0]
    person = next(p for p in participants if p.email == message.to[0])
    response = client.post(_link(message))
    assert response.status_code == 200
    assert "Reminder e-mails are off" in response.content.decode()
    person.refresh_from_db()
    assert person.receives_nudges is False

    mail.outbox.clear()
    event_in(timedelta(days=6))  # a reminder is due for the others, an invitation for all
    sweep()
    to_person = [m.subject for m in mail.outbox if m.to == [person.email]]
    assert len(to_person) == 1 and to_person[0].startswith("You're invited")


def test_the_mail_clients_one_click_post_needs_no_csrf_token(reminded, participants):
    message = mail.outbox[0]
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _link(message), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert type(participants[0]).objects.get(email=message.to[0]).receives_nudges is False


def test_a_tampered_or_stale_link_is_refused_and_changes_nothing(client, participants):
    person = participants[0]
    token = unsubscribe_token(person)
    bad = reverse("notifications:unsubscribe", args=[token[:-2] + ("AA" if not token.endswith("AA") else "BB")])
    assert client.post(bad).status_code == 404
    person.email = "new-owner@example.gov"
    person.save()
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 404
    person.refresh_from_db()
    assert person.receives_nudges is True


def test_turning_nudges_off_after_a_reminder_was_claimed_stops_it(participants, event_in):
    event = event_in(timedelta(days=6))
    for person in participants:
        RSVPFactory(event=event, person=person, status=RSVP.Status.GOING)
    sweep(queue=False)
    quiet = participants[1]
    quiet.receives_nudges = False
    quiet.save()
    sweep()
    assert quiet.email not in [m.to[0] for m in mail.outbox]
    assert Delivery.objects.get(email=quiet.email, kind=Kind.EVENT_REMINDER_WEEK).status == Delivery.Status.SKIPPED


def test_the_link_does_not_carry_the_address(participants):
    import base64

    person = participants[0]
    token = unsubscribe_token(person)
    payload = token.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert person.email.encode() not in decoded and person.email not in token
