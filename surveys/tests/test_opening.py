"""Opening a survey invites its audience once, whatever happens; e-mails go out once each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from programs.models import RSVP, Enrollment, Event, Mentorship
from programs.tests.factories import EnrollmentFactory, EventFactory, MentorshipFactory, RSVPFactory
from surveys import services
from surveys.models import Audience, Invitation, Survey
from surveys.tests.factories import SurveyFactory

pytestmark = pytest.mark.django_db


def _enrol(cycle, role, n):
    return [EnrollmentFactory(cycle=cycle, role=role) for _ in range(n)]


def test_opening_invites_each_person_once_and_opening_again_invites_nobody(cycle, django_capture_on_commit_callbacks):
    _enrol(cycle, Enrollment.Role.MENTEE, 3)
    _enrol(cycle, Enrollment.Role.MENTOR, 2)
    EnrollmentFactory(cycle=cycle, status=Enrollment.Status.DECLINED)
    survey = SurveyFactory(cycle=cycle, audience=Audience.BOTH)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_open(survey=survey) == 5
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_open(survey=survey) == 0

    assert Invitation.objects.filter(survey=survey).count() == 5
    assert len(mail.outbox) == 5
    assert len({m.to[0] for m in mail.outbox}) == 5


def test_opening_again_invites_only_newcomers(cycle, django_capture_on_commit_callbacks):
    _enrol(cycle, Enrollment.Role.MENTEE, 2)
    survey = SurveyFactory(cycle=cycle, audience=Audience.MENTEES)
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_open(survey=survey)
    EnrollmentFactory(cycle=cycle, role=Enrollment.Role.MENTEE)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_open(survey=survey) == 1
    assert len(mail.outbox) == 3


def test_invitation_email_carries_a_working_link_and_is_sent_once(client, cycle, django_capture_on_commit_callbacks):
    (enrollment,) = _enrol(cycle, Enrollment.Role.MENTEE, 1)
    survey = SurveyFactory(cycle=cycle, audience=Audience.MENTEES, title="Midpoint check-in")
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_open(survey=survey)

    (message,) = mail.outbox
    assert message.to == [enrollment.person.email]
    assert "Midpoint check-in" in message.subject
    link = next(word for word in message.body.split() if "/surveys/r/" in word)
    path = link.split("127.0.0.1:8000", 1)[1]
    assert client.get(path).status_code == 200

    invitation = Invitation.objects.get()
    assert invitation.sent_at is not None
    assert services.invitation_send(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1


def test_mentee_and_mentor_audiences_are_separate(cycle):
    mentees = _enrol(cycle, Enrollment.Role.MENTEE, 2)
    _enrol(cycle, Enrollment.Role.MENTOR, 1)
    survey = SurveyFactory(cycle=cycle, audience=Audience.MENTEES)
    services.survey_open(survey=survey)
    assert set(Invitation.objects.values_list("person_id", flat=True)) == {e.person_id for e in mentees}
    assert set(Invitation.objects.values_list("role", flat=True)) == {"mentee"}


def test_pair_audience_invites_per_pair_including_a_mentor_with_two_mentees(cycle):
    first = MentorshipFactory(cycle=cycle)
    second = MentorshipFactory(cycle=cycle, mentor=first.mentor)
    MentorshipFactory(cycle=cycle, status=Mentorship.Status.ENDED)
    survey = SurveyFactory(cycle=cycle, audience=Audience.PAIR_MEMBERS, anonymous=False)

    assert services.survey_open(survey=survey) == 4
    assert services.survey_open(survey=survey) == 0
    rows = set(Invitation.objects.values_list("person_id", "mentorship_id", "role"))
    assert rows == {
        (first.mentee_id, first.pk, "mentee"),
        (first.mentor_id, first.pk, "mentor"),
        (second.mentee_id, second.pk, "mentee"),
        (second.mentor_id, second.pk, "mentor"),
    }


def test_event_audience_is_who_attended_or_said_they_would_go(cycle):
    event = EventFactory(cycle=cycle, program=cycle.program, kind=Event.Kind.MIDPOINT)
    attended = RSVPFactory(event=event, attended=True)
    going = RSVPFactory(event=event)
    RSVPFactory(event=event, attended=False)
    RSVPFactory(event=event, status=RSVP.Status.NOT_GOING)
    survey = SurveyFactory(cycle=cycle, audience=Audience.EVENT_ATTENDEES, event=event)
    services.survey_open(survey=survey)
    assert set(Invitation.objects.values_list("person_id", flat=True)) == {attended.person_id, going.person_id}


def test_a_closed_survey_cannot_be_opened(cycle):
    survey = SurveyFactory(
        cycle=cycle, opens_on=timezone.localdate() - timedelta(days=10), closes_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(services.SurveyClosed):
        services.survey_open(survey=survey)


def test_surveys_due_lists_unopened_surveys_whose_day_has_come(cycle):
    today = timezone.localdate()
    due = SurveyFactory(cycle=cycle, opens_on=today, closes_on=today + timedelta(days=7))
    SurveyFactory(cycle=cycle, opens_on=today + timedelta(days=1), closes_on=today + timedelta(days=7))
    SurveyFactory(cycle=cycle, opens_on=today - timedelta(days=9), closes_on=today - timedelta(days=2))
    opened = SurveyFactory(cycle=cycle, opens_on=today, closes_on=today + timedelta(days=7))
    services.survey_open(survey=opened)
    assert list(services.surveys_due(now=timezone.now())) == [due]


def test_relative_trigger_follows_the_midpoint_keynote(cycle, coordinator):
    from surveys.tests.factories import SurveyTemplateFactory

    keynote = EventFactory(
        cycle=cycle, program=cycle.program, kind=Event.Kind.MIDPOINT, starts_at=timezone.now() + timedelta(days=20)
    )
    survey = services.survey_create_from_template(
        template=SurveyTemplateFactory(),
        cycle=cycle,
        by=coordinator,
        trigger=Survey.Trigger.EVENT,
        event=keynote,
        offset_days=2,
        open_days=10,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    assert survey.opens_on == timezone.localdate(keynote.ends_at) + timedelta(days=2)
    assert survey.closes_on == survey.opens_on + timedelta(days=10)


def test_milestone_trigger_counts_from_the_cycle_midpoint(cycle, coordinator):
    from surveys.tests.factories import SurveyTemplateFactory

    survey = services.survey_create_from_template(
        template=SurveyTemplateFactory(),
        cycle=cycle,
        by=coordinator,
        trigger=Survey.Trigger.MILESTONE,
        milestone=Survey.Milestone.MIDPOINT,
        offset_days=0,
        open_days=14,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    assert survey.opens_on == cycle.midpoint


def test_survey_following_an_event_moves_when_the_event_moves(cycle):
    from programs import signals

    keynote = EventFactory(cycle=cycle, program=cycle.program, kind=Event.Kind.MIDPOINT)
    survey = SurveyFactory(cycle=cycle, trigger=Survey.Trigger.EVENT, event=keynote, offset_days=2, open_days=7)
    keynote.starts_at += timedelta(days=10)
    keynote.ends_at += timedelta(days=10)
    keynote.save()

    signals.event_changed.send(sender=Event, event=keynote, changes=["time"])

    survey.refresh_from_db()
    assert survey.opens_on == timezone.localdate(keynote.ends_at) + timedelta(days=2)
    assert survey.closes_on == survey.opens_on + timedelta(days=7)


def test_the_database_refuses_a_second_invitation_for_the_same_person(cycle):
    from django.db import IntegrityError, transaction

    from surveys.tests.factories import InvitationFactory

    survey = SurveyFactory(cycle=cycle)
    first = InvitationFactory(survey=survey)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvitationFactory(survey=survey, person=first.person)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_opens_invite_each_person_once(cycle):
    import threading

    from django.db import connection

    _enrol(cycle, Enrollment.Role.MENTEE, 6)
    survey = SurveyFactory(cycle=cycle, audience=Audience.MENTEES)
    created: list[int] = []
    barrier = threading.Barrier(3)

    def open_it() -> None:
        try:
            barrier.wait()
            created.append(services.survey_open(survey=survey))
        finally:
            connection.close()

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created) == [0, 0, 6]
    assert Invitation.objects.filter(survey=survey).count() == 6
