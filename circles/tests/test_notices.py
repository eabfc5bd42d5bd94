"""A mentee given a seat hears of it by e-mail, through the notifications ledger, after the commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from circles.services import circle_create, circle_member_add
from matching.tests.world import build_world
from notifications.models import Delivery

pytestmark = pytest.mark.django_db


def test_a_placed_mentee_is_mailed_once_after_the_commit_and_a_refusal_mails_nobody(django_capture_on_commit_callbacks):
    w = build_world(mentors=1, mentees=2)
    circle = circle_create(
        cycle=w.cycle,
        by=w.coordinator,
        topic="Budget basics",
        skills=[w.skills[0]],
        mentors=[w.mentors[0]],
        min_size=1,
        max_size=1,
    )
    assert mail.outbox == []  # the mentor is set up with the circle: no e-mail
    with django_capture_on_commit_callbacks(execute=True):
        member = circle_member_add(circle=circle, person=w.mentees[0], by=w.coordinator)
    assert [m.to for m in mail.outbox] == [[w.mentees[0].email]]
    assert "Budget basics" in mail.outbox[0].subject and f"/circles/{circle.pk}/" in mail.outbox[0].body
    assert Delivery.objects.filter(kind="circle_joined", object_id=member.pk).count() == 1
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError, match="full"):
        circle_member_add(circle=circle, person=w.mentees[1], by=w.coordinator)
    assert len(mail.outbox) == 1
