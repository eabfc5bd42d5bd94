"""Timing and audience of the periodic reminders: applications, mentee choice, meetings,
the coordinator digest."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from matching.models import MenteeChoice
from notifications.models import Delivery, Kind
from notifications.services import sweep
from notifications.services.sweep import digest_due
from profiles.tests.factories import CoordinatorFactory, DepartmentFactory, PersonFactory
from programs.models import Enrollment, Meeting, Mentorship, PairFlag, Program
from programs.tests.factories import CycleFactory, EnrollmentFactory, MeetingFactory, MentorshipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _to(kind: str) -> list[str]:
    marks = set(Delivery.objects.filter(kind=kind, status=Delivery.Status.SENT).values_list("message_id", flat=True))
    return sorted(m.to[0] for m in mail.outbox if m.extra_headers.get("Message-ID") in marks)


# --- applications --------------------------------------------------------------------------------


@pytest.fixture
def department_cycle():
    """A department program whose applications opened today and close in ten days."""
    department = DepartmentFactory()
    program = ProgramFactory(department=department, scope=Program.Scope.DEPARTMENT)
    today = timezone.localdate()
    cycle = CycleFactory(
        program=program,
        applications_open_on=today,
        applications_close_on=today + timedelta(days=10),
        matching_on=today + timedelta(days=12),
        starts_on=today + timedelta(days=20),
        ends_on=today + timedelta(days=200),
    )
    return cycle, department


def test_the_window_opening_goes_to_the_department_except_those_who_applied(department_cycle):
    cycle, department = department_cycle
    colleague, applicant, no_reminders = (PersonFactory(department=department) for _ in range(3))
    no_reminders.receives_nudges = False
    no_reminders.save()
    EnrollmentFactory(cycle=cycle, person=applicant, status=Enrollment.Status.PENDING)
    PersonFactory()  # another department
    PersonFactory(department=department, separated_on=timezone.localdate())

    sweep()

    assert _to(Kind.APPLICATIONS_OPEN) == [colleague.email]
    assert "Applications are open" in mail.outbox[0].subject


def test_closing_in_three_days_reminds_once_and_not_those_who_applied_since(department_cycle):
    cycle, department = department_cycle
    late, early = PersonFactory(department=department), PersonFactory(department=department)
    sweep()  # opening notice
    EnrollmentFactory(cycle=cycle, person=early, status=Enrollment.Status.PENDING)
    cycle.applications_close_on = timezone.localdate() + timedelta(days=4)
    cycle.save()
    sweep()
    assert _to(Kind.APPLICATIONS_CLOSING) == []  # four days left: not yet

    cycle.applications_close_on = timezone.localdate() + timedelta(days=3)
    cycle.save()
    sweep()
    sweep()
    assert _to(Kind.APPLICATIONS_CLOSING) == [late.email]


def test_a_cross_agency_program_invites_every_department(department_cycle):
    cycle, department = department_cycle
    Program.objects.filter(pk=cycle.program_id).update(scope=Program.Scope.CROSS_AGENCY)
    people = [PersonFactory(department=department), PersonFactory()]
    sweep()
    assert _to(Kind.APPLICATIONS_OPEN) == sorted(p.email for p in people)


# --- mentee choice -------------------------------------------------------------------------------


def test_mentees_who_have_not_chosen_are_reminded_before_the_choice_deadline(settings):
    settings.REMINDER_CHOICE_DEADLINE_DAYS = 2
    cycle = CycleFactory(mentee_choice=True, choice_deadline=timezone.localdate() + timedelta(days=3))
    chosen, undecided, waiting, declined = PersonFactory(), PersonFactory(), PersonFactory(), PersonFactory()
    for person in (chosen, undecided, waiting, declined):
        EnrollmentFactory(cycle=cycle, person=person, role=Enrollment.Role.MENTEE)
    MentorshipFactory(cycle=cycle, mentee=chosen)
    mentor = PersonFactory(willing_to_mentor=True)
    MenteeChoice.objects.create(cycle=cycle, mentee=waiting, mentor=mentor, rank=1)
    MenteeChoice.objects.create(cycle=cycle, mentee=declined, mentor=mentor, status=MenteeChoice.Status.DECLINED)
    sweep()
    assert _to(Kind.CHOICE_DEADLINE) == []

    cycle.choice_deadline = timezone.localdate() + timedelta(days=2)
    cycle.save()
    sweep()
    assert _to(Kind.CHOICE_DEADLINE) == sorted([undecided.email, declined.email])
    assert "Choose your mentor" in mail.outbox[-1].subject


# --- meetings ------------------------------------------------------------------------------------


@pytest.fixture
def silent_pair(settings):
    settings.PAIR_AT_RISK_WEEKS = 4
    settings.REMINDER_MENTEE_NUDGE_WEEKS = 6
    cycle = CycleFactory(starts_on=timezone.localdate() - timedelta(days=90))
    pair = MentorshipFactory(cycle=cycle, started_on=cycle.starts_on)
    return pair


def _last_met(pair: Mentorship, days_ago: int) -> None:
    MeetingFactory(mentorship=pair, scheduled_at=timezone.now() - timedelta(days=days_ago), status=Meeting.Status.HELD)


def test_the_mentor_is_nudged_after_the_configured_weeks_and_the_mentee_later(silent_pair):
    _last_met(silent_pair, 27)
    sweep()
    assert mail.outbox == []

    def claimed(kind: str) -> list[str]:
        return list(Delivery.objects.filter(kind=kind).values_list("email", flat=True))

    now = timezone.now()
    sweep(now=now + timedelta(days=2), queue=False)  # four weeks of silence
    assert claimed(Kind.MEETING_NUDGE_MENTOR) == [silent_pair.mentor.email]
    assert claimed(Kind.MEETING_NUDGE_MENTEE) == []
    sweep(now=now + timedelta(days=16), queue=False)  # six weeks
    sweep(now=now + timedelta(days=17), queue=False)
    assert claimed(Kind.MEETING_NUDGE_MENTEE) == [silent_pair.mentee.email]
    # One nudge each per silence: it is keyed to the day the silence crossed the line.
    assert claimed(Kind.MEETING_NUDGE_MENTOR) == [silent_pair.mentor.email]


def test_the_mentor_nudge_links_to_scheduling_and_can_be_turned_off(silent_pair):
    _last_met(silent_pair, 30)
    sweep()
    (message,) = mail.outbox
    assert message.to == [silent_pair.mentor.email]
    assert silent_pair.mentee.first_name in message.subject
    assert f"/programs/pairs/{silent_pair.pk}/meetings/new/" in message.body
    assert "about 4 weeks" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://mentoring.example.gov/notifications/unsubscribe/"
    )


def test_no_nudge_when_a_meeting_is_booked_or_the_pair_ended(silent_pair):
    _last_met(silent_pair, 40)
    MeetingFactory(
        mentorship=silent_pair, scheduled_at=timezone.now() + timedelta(days=3), status=Meeting.Status.SCHEDULED
    )
    ended = MentorshipFactory(
        cycle=silent_pair.cycle, status=Mentorship.Status.ENDED, started_on=silent_pair.started_on
    )
    sweep()
    assert mail.outbox == []
    assert ended.pk


def test_a_pair_that_never_met_counts_from_its_start(silent_pair):
    sweep()  # started 90 days ago, never met
    assert _to(Kind.MEETING_NUDGE_MENTOR) == [silent_pair.mentor.email]
    assert _to(Kind.MEETING_NUDGE_MENTEE) == [silent_pair.mentee.email]


def test_a_meeting_logged_after_the_claim_cancels_the_nudge(silent_pair, settings):
    _last_met(silent_pair, 30)
    sweep(queue=False)  # claimed; the worker is slow
    _last_met(silent_pair, 1)
    sweep()
    assert mail.outbox == []
    assert Delivery.objects.get(kind=Kind.MEETING_NUDGE_MENTOR).status == Delivery.Status.SKIPPED


# --- coordinator digest --------------------------------------------------------------------------


def test_digest_moment_is_the_latest_configured_weekday_and_hour(settings):
    settings.REMINDER_DIGEST_WEEKDAY, settings.REMINDER_DIGEST_HOUR = 1, 7
    monday_6am = timezone.make_aware(datetime(2026, 11, 23, 6, 0))
    monday_8am = timezone.make_aware(datetime(2026, 11, 23, 8, 0))
    thursday = timezone.make_aware(datetime(2026, 11, 26, 12, 0))
    assert str(digest_due(now=monday_6am)) == "2026-11-16"
    assert str(digest_due(now=monday_8am)) == "2026-11-23"
    assert str(digest_due(now=thursday)) == "2026-11-23"


def test_each_coordinator_gets_one_digest_a_week_with_their_programs_figures(settings):
    cycle = CycleFactory()
    coordinator, idle = CoordinatorFactory(), CoordinatorFactory()
    cycle.program.coordinators.add(coordinator)
    flagged = MentorshipFactory(cycle=cycle, started_on=timezone.localdate())
    PairFlag.objects.create(mentorship=flagged, reason=PairFlag.Reason.LOW_SCORE)
    MentorshipFactory(cycle=cycle, started_on=timezone.localdate() - timedelta(days=60))  # silent
    EnrollmentFactory(cycle=cycle, status=Enrollment.Status.PENDING)
    EnrollmentFactory(cycle=cycle, status=Enrollment.Status.PENDING)
    other = CycleFactory()
    EnrollmentFactory(cycle=other, status=Enrollment.Status.PENDING)  # not this coordinator's

    sweep()
    sweep()

    digests = [m for m in mail.outbox if m.subject == "Your weekly mentorship digest"]
    assert [m.to for m in digests] == [[coordinator.email]]
    body = digests[0].body
    assert "Pairs at risk: 2 (1 with no meeting for 4 weeks; 1 open flag)." in body
    assert f"{flagged.mentor.full_name} and {flagged.mentee.full_name}: Low pairing score" in body
    assert "Applications waiting for a decision: 2" in body
    assert idle.email not in {m.to[0] for m in mail.outbox}


def test_the_digest_counts_with_a_fixed_number_of_queries(django_assert_max_num_queries):
    from notifications.services.digest import digest_for

    coordinator = CoordinatorFactory()
    for _ in range(3):
        cycle = CycleFactory()
        cycle.program.coordinators.add(coordinator)
        for _ in range(5):
            pair = MentorshipFactory(cycle=cycle)
            PairFlag.objects.create(mentorship=pair, reason=PairFlag.Reason.NO_MEETINGS)
            EnrollmentFactory(cycle=cycle, status=Enrollment.Status.PENDING)
    with django_assert_max_num_queries(6):
        digest = digest_for(user=coordinator, now=timezone.now())
        assert [d.open_flags for d in digest] == [5, 5, 5]
        assert all(len(d.flagged) == 5 for d in digest)
        for d in digest:
            for flag in d.flagged:
                assert flag.mentorship.mentor.full_name


# --- the management command ----------------------------------------------------------------------


def test_run_reminders_runs_the_sweep_in_process(silent_pair, capsys):
    call_command("run_reminders")
    assert "Reminder sweep at" in capsys.readouterr().out
    assert _to(Kind.MEETING_NUDGE_MENTOR) == [silent_pair.mentor.email]


def test_people_who_cannot_sign_in_are_not_told_applications_are_open(department_cycle):
    cycle, department = department_cycle
    with_login = PersonFactory(department=department)
    PersonFactory(department=department, user=None)
    inactive = PersonFactory(department=department)
    inactive.user.is_active = False
    inactive.user.save()
    sweep()
    assert _to(Kind.APPLICATIONS_OPEN) == [with_login.email]
