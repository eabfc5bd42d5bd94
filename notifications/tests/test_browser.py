"""The one-click unsubscribe journey in a real browser (Chromium), checked with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail

from notifications.services import sweep
from profiles.models import Person
from programs.models import RSVP
from programs.tests.factories import RSVPFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_participant_turns_reminders_off_from_the_link_in_a_reminder(
    phone_page, live_server, assert_accessible, participants, event_in
):
    event = event_in(timedelta(days=6))
    person = participants[0]
    RSVPFactory(event=event, person=person, status=RSVP.Status.GOING)
    sweep()
    (message,) = [m for m in mail.outbox if m.to == [person.email]]
    path = re.search(r"https://mentoring\.example\.gov(/notifications/unsubscribe/\S+/)", message.body).group(1)

    phone_page.goto(path)
    assert phone_page.get_by_role("heading", level=1).inner_text() == "Stop reminder e-mails?"
    assert_accessible(phone_page)
    assert Person.objects.get(pk=person.pk).receives_nudges is True  # opening the link changed nothing

    phone_page.get_by_role("button", name="Turn off reminder e-mails").click()
    phone_page.wait_for_load_state()
    assert phone_page.get_by_role("heading", level=1).inner_text() == "Reminder e-mails are off"
    assert phone_page.get_by_role("status").is_visible()
    assert_accessible(phone_page)
    assert Person.objects.get(pk=person.pk).receives_nudges is False
