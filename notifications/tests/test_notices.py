"""Notices that follow a change in programs: invitations, changes, cancellations, decisions,
matches, seats from the waitlist and help requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from notifications.models import Delivery, Kind
from profiles.tests.factories import CoordinatorFactory, PersonFactory
from programs.models import RSVP, Enrollment, Event, HelpRequest, Mentorship
from programs.services.enrollments import enrollments_decide
from programs.services.events import event_cancel, event_create, event_update
from programs.services.pairs import mentorship_create
from programs.services.requests import help_request_create
from programs.services.rsvps import rsvp_respond
from programs.tests.factories import EnrollmentFactory, EventFactory, MentorshipFactory, RSVPFactory

pytestmark = pytest.mark.django_db


def _ics(message) -> Calendar:
    content = message.attachments[0][1]
    return Calendar.from_ical(content.encode() if isinstance(content, str) else content)


def test_scheduling_an_event_invites_the_cycles_participants(cycle, participants, django_capture_on_commit_callbacks):
    coordinator = CoordinatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        event = event_create(
            program=cycle.program,
            cycle=cycle,
            by=coordinator,
            kind=Event.Kind.SOCIAL,
            title="Coffee and careers",
            starts_at=timezone.now() + timedelta(days=12),
            ends_at=timezone.now() + timedelta(days=12, hours=1),
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in participants)
    assert all(m.subject.startswith("You're invited: Coffee and careers") for m in mail.outbox)
    assert Delivery.objects.filter(kind=Kind.EVENT_INVITATION, object_id=event.pk, status="sent").count() == 3


def test_a_change_of_time_is_told_once_per_change_with_a_newer_calendar_version(
    cycle, participants, django_capture_on_commit_callbacks
):
    coordinator = CoordinatorFactory()
    event = EventFactory(cycle=cycle, starts_at=timezone.now() + timedelta(days=12))
    declined = participants[0]
    RSVPFactory(event=event, person=declined, status=RSVP.Status.NOT_GOING)

    with django_capture_on_commit_callbacks(execute=True):
        event_update(
            event=event,
            by=coordinator,
            starts_at=event.starts_at + timedelta(hours=1),
            ends_at=event.ends_at + timedelta(hours=1),
        )
    first = list(mail.outbox)
    # Everyone invited hears about it, including those who said no: the new time may suit them.
    assert sorted(m.to[0] for m in first) == sorted(p.email for p in participants)
    assert all(m.subject.startswith("Changed: ") for m in first)
    assert int(_ics(first[0]).walk("VEVENT")[0]["sequence"]) == 1

    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=event, by=coordinator, location="Annex, room 2")
    assert len(mail.outbox) == 6
    assert int(_ics(mail.outbox[-1]).walk("VEVENT")[0]["sequence"]) == 2

    # The same change reported twice (a re-sent signal) does not mail again.
    from notifications.services.notices import event_changed_notify

    event_changed_notify(event_id=event.pk)
    assert len(mail.outbox) == 6


def test_a_cancellation_sends_a_cancel_calendar_entry_but_not_to_those_who_declined(
    cycle, participants, django_capture_on_commit_callbacks
):
    event = EventFactory(cycle=cycle, starts_at=timezone.now() + timedelta(days=12))
    RSVPFactory(event=event, person=participants[0], status=RSVP.Status.NOT_GOING)
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, by=CoordinatorFactory())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in participants[1:])
    message = mail.outbox[0]
    assert message.subject.startswith("Cancelled: ")
    assert "method=CANCEL" in message.attachments[0][2]
    cal = _ics(message)
    assert str(cal["method"]) == "CANCEL"
    vevent = cal.walk("VEVENT")[0]
    assert str(vevent["status"]) == "CANCELLED"
    assert str(vevent["uid"]) == f"event-{event.pk}@mentoring.example.gov"


def test_the_decision_is_mailed_to_the_applicant_even_with_reminders_off(cycle, django_capture_on_commit_callbacks):
    person = PersonFactory(receives_nudges=False)
    enrollment = EnrollmentFactory(cycle=cycle, person=person, status=Enrollment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        enrollments_decide(enrollments=[enrollment], status=Enrollment.Status.WAITLISTED, by=CoordinatorFactory())
    with django_capture_on_commit_callbacks(execute=True):
        enrollments_decide(enrollments=[enrollment], status=Enrollment.Status.APPROVED, by=CoordinatorFactory())
    assert [m.to for m in mail.outbox] == [[person.email], [person.email]]
    assert "waitlist" in mail.outbox[0].subject
    assert "you're in" in mail.outbox[1].subject
    assert "List-Unsubscribe" not in mail.outbox[1].extra_headers


def test_both_people_hear_they_have_been_matched_with_the_pair_page_link(cycle, django_capture_on_commit_callbacks):
    mentor, mentee = PersonFactory(willing_to_mentor=True), PersonFactory()
    EnrollmentFactory(cycle=cycle, person=mentor, role=Enrollment.Role.MENTOR)
    EnrollmentFactory(cycle=cycle, person=mentee, role=Enrollment.Role.MENTEE)
    with django_capture_on_commit_callbacks(execute=True):
        pair = mentorship_create(cycle=cycle, mentor=mentor, mentee=mentee, by=CoordinatorFactory())
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {mentor.email, mentee.email}
    link = f"https://mentoring.example.gov/programs/pairs/{pair.pk}/"
    assert link in by_person[mentor.email].body and link in by_person[mentee.email].body
    assert mentee.full_name in by_person[mentor.email].subject
    assert mentor.full_name in by_person[mentee.email].subject


def test_a_seat_from_the_waitlist_is_announced(cycle, participants, django_capture_on_commit_callbacks):
    first, second, _ = participants
    event = EventFactory(cycle=cycle, capacity=1, starts_at=timezone.now() + timedelta(days=12))
    RSVPFactory(event=event, person=first, status=RSVP.Status.GOING)
    waiting = RSVPFactory(event=event, person=second, status=RSVP.Status.WAITLIST)
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_respond(event=event, person=first, going=False)
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert "seat opened up" in mail.outbox[0].subject
    assert Delivery.objects.get(kind=Kind.RSVP_PROMOTED).object_id == waiting.pk


def test_a_help_request_reaches_the_programs_coordinators(cycle, django_capture_on_commit_callbacks):
    coordinator, other = CoordinatorFactory(), CoordinatorFactory()
    cycle.program.coordinators.add(coordinator)
    pair = MentorshipFactory(cycle=cycle)
    with django_capture_on_commit_callbacks(execute=True):
        help_request_create(mentorship=pair, by=pair.mentee, kind=HelpRequest.Kind.REMATCH, message="We never meet.")
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "We never meet." in mail.outbox[0].body
    assert other.email not in mail.outbox[0].to


def test_a_receiver_that_cannot_claim_does_not_break_the_change(
    cycle, participants, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications.services import notices

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(notices, "event_scheduled_notify", broken)
    with django_capture_on_commit_callbacks(execute=True):
        event = event_create(
            program=cycle.program,
            cycle=cycle,
            by=CoordinatorFactory(),
            kind=Event.Kind.SOCIAL,
            title="Lunch",
            starts_at=timezone.now() + timedelta(days=12),
            ends_at=timezone.now() + timedelta(days=12, hours=1),
        )
    assert Event.objects.filter(pk=event.pk).exists()
    monkeypatch.undo()
    # The sweep derives invitations from the database and catches up.
    from notifications.services import sweep

    sweep()
    assert len([m for m in mail.outbox if "Lunch" in m.subject]) == 3


def test_an_ended_pair_is_not_matched_again(cycle):
    pair = MentorshipFactory(cycle=cycle, status=Mentorship.Status.ENDED)
    from notifications.services.notices import mentorship_created_notify

    assert mentorship_created_notify(mentorship_id=pair.pk) == 0
    assert mail.outbox == []


def test_a_decision_changed_before_its_mail_left_is_not_sent_stale(cycle, django_capture_on_commit_callbacks):
    from notifications.services.notices import enrollment_decided_notify

    enrollment = EnrollmentFactory(cycle=cycle, status=Enrollment.Status.WAITLISTED)
    with patch_queue():
        enrollment_decided_notify(enrollment_id=enrollment.pk)  # claimed; the worker is slow
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_decided_notify(enrollment_id=enrollment.pk)
    from notifications.services import sweep

    sweep()
    assert [m.subject for m in mail.outbox] == [f"{cycle.program.name}: you're in"]
    waitlisted = Delivery.objects.get(kind=Kind.ENROLLMENT_DECISION, variant=Enrollment.Status.WAITLISTED)
    assert waitlisted.status == Delivery.Status.SKIPPED


def patch_queue():
    """Claim without queuing, as when the broker is slow to deliver."""
    from unittest import mock

    return mock.patch("notifications.services.claims.deliveries_queue", return_value=0)
