"""Surveys: opened on their day by the sweep, invitations caught up, reminders until answered
or closed (at most the configured number), low response in the digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Delivery, Kind
from notifications.services import sweep
from notifications.services.surveys import low_response_surveys
from programs.models import Enrollment
from surveys.models import Invitation
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _survey_settings(settings):
    settings.REMINDER_SURVEY_INTERVAL_DAYS = 4
    settings.REMINDER_SURVEY_MAX_REMINDERS = 2


def _sent_invitation(survey, person, days_ago: int) -> Invitation:
    invitation = InvitationFactory(survey=survey, person=person)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(days=days_ago))
    invitation.refresh_from_db()
    return invitation


def _reminders_to(email: str) -> int:
    return sum(1 for m in mail.outbox if m.to == [email] and m.subject.startswith("Reminder: "))


def test_the_sweep_opens_a_survey_on_its_day_and_its_invitations_go_out(
    cycle, participants, django_capture_on_commit_callbacks
):
    survey = SurveyFactory(
        cycle=cycle, opens_on=timezone.localdate(), closes_on=timezone.localdate() + timedelta(days=14)
    )
    Enrollment.objects.filter(cycle=cycle).update(role=Enrollment.Role.MENTEE)
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    survey.refresh_from_db()
    assert survey.opened_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in participants)
    sweep()
    assert len(mail.outbox) == 3


def test_reminders_come_every_interval_until_the_limit(cycle, participants):
    person = participants[0]
    survey = OpenSurveyFactory(cycle=cycle, closes_on=timezone.localdate() + timedelta(days=20))
    invitation = _sent_invitation(survey, person, days_ago=3)
    sweep()
    assert _reminders_to(person.email) == 0

    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(days=4))
    sweep()
    sweep()
    assert _reminders_to(person.email) == 1
    message = mail.outbox[-1]
    assert "/surveys/" in message.body and "List-Unsubscribe" in message.extra_headers

    # Four days later the second, and then no more however long it stays unanswered.
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(days=8))
    Delivery.objects.filter(kind=Kind.SURVEY_REMINDER).update(created_at=timezone.now() - timedelta(days=4))
    sweep()
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(days=16))
    Delivery.objects.filter(kind=Kind.SURVEY_REMINDER).update(created_at=timezone.now() - timedelta(days=8))
    sweep()
    assert _reminders_to(person.email) == 2


def test_a_catch_up_after_an_outage_sends_one_reminder_not_a_burst(cycle, participants):
    person = participants[0]
    survey = OpenSurveyFactory(cycle=cycle, closes_on=timezone.localdate() + timedelta(days=20))
    _sent_invitation(survey, person, days_ago=12)  # both reminder days passed while down
    sweep()
    sweep()
    assert _reminders_to(person.email) == 1


def test_no_reminder_once_answered_or_closed_or_turned_off(cycle, participants):
    answered, closed_for, quiet = participants
    survey = OpenSurveyFactory(cycle=cycle, closes_on=timezone.localdate() + timedelta(days=20))
    invitation = _sent_invitation(survey, answered, days_ago=5)
    Invitation.objects.filter(pk=invitation.pk).update(used=True)
    closed = OpenSurveyFactory(
        cycle=cycle,
        opens_on=timezone.localdate() - timedelta(days=20),
        closes_on=timezone.localdate() - timedelta(days=1),
    )
    _sent_invitation(closed, closed_for, days_ago=19)
    quiet.receives_nudges = False
    quiet.save()
    _sent_invitation(survey, quiet, days_ago=5)
    sweep()
    assert mail.outbox == []


def test_a_reminder_claimed_before_the_answer_is_skipped(cycle, participants):
    person = participants[0]
    survey = OpenSurveyFactory(cycle=cycle, closes_on=timezone.localdate() + timedelta(days=20))
    invitation = _sent_invitation(survey, person, days_ago=5)
    sweep(queue=False)
    Invitation.objects.filter(pk=invitation.pk).update(used=True)
    sweep()
    assert mail.outbox == []
    assert Delivery.objects.get(kind=Kind.SURVEY_REMINDER).status == Delivery.Status.SKIPPED


def test_low_response_is_reported_per_program(cycle, participants):
    survey = OpenSurveyFactory(cycle=cycle, title="Midpoint check-in")
    for i, person in enumerate(participants):
        inv = _sent_invitation(survey, person, days_ago=5)
        Invitation.objects.filter(pk=inv.pk).update(used=(i == 0))
    type(survey).objects.filter(pk=survey.pk).update(opened_at=timezone.now() - timedelta(days=5))
    low = low_response_surveys(program_ids=[cycle.program_id], now=timezone.now())
    assert low == {
        cycle.program_id: [{"title": "Midpoint check-in", "invited": 3, "answered": 1, "closes_on": survey.closes_on}]
    }


def test_invitations_that_never_left_are_sent_by_a_later_sweep(cycle, participants, django_capture_on_commit_callbacks):
    survey = OpenSurveyFactory(cycle=cycle, closes_on=timezone.localdate() + timedelta(days=10))
    stuck = InvitationFactory(survey=survey, person=participants[0])
    Invitation.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=2))
    fresh = InvitationFactory(survey=survey, person=participants[1])  # its own task may still be running
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    stuck.refresh_from_db()
    assert stuck.sent_at is not None
    assert [m.to for m in mail.outbox].count([participants[0].email]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    assert [m.to for m in mail.outbox].count([participants[0].email]) == 1
    assert fresh.pk


def test_the_coordinator_digest_names_surveys_with_low_response(cycle, participants, settings):
    from profiles.tests.factories import CoordinatorFactory

    coordinator = CoordinatorFactory()
    cycle.program.coordinators.add(coordinator)
    survey = OpenSurveyFactory(cycle=cycle, title="Midpoint check-in")
    for i, person in enumerate(participants):
        invitation = _sent_invitation(survey, person, days_ago=5)
        Invitation.objects.filter(pk=invitation.pk).update(used=(i == 0))
    type(survey).objects.filter(pk=survey.pk).update(opened_at=timezone.now() - timedelta(days=5))
    sweep()
    (digest,) = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert "Low survey response: Midpoint check-in, 1 of 3 answered" in digest.body
    assert "Midpoint check-in, 1 of 3 answered" in digest.alternatives[0][0]
