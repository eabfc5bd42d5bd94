from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from profiles.models import GoalProgressNote
from profiles.tests.factories import CoordinatorFactory, DevelopmentGoalFactory, HRAnalystFactory, PersonFactory
from programs.models import Agreement, HelpRequest, Meeting, Mentorship, PairFlag
from programs.signals import help_requested
from programs.tests.factories import MeetingFactory, MentorshipFactory, ProgramFactory

pytestmark = pytest.mark.django_db
SECRET = "Talked about the budget process."


def url(name: str, pair: Mentorship, *args) -> str:
    return reverse(f"programs:{name}", args=[pair.pk, *args])


def in_a_while(days: int = 3) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def pair():
    pair = MentorshipFactory(started_on=timezone.localdate() - timedelta(days=30))
    MeetingFactory(mentorship=pair, private_notes=SECRET)
    return pair


@pytest.fixture
def coordinator(pair):
    user = CoordinatorFactory()
    pair.cycle.program.coordinators.add(user)
    return user


# --- Who sees the pair page -----------------------------------------------------------------------
def test_mentor_and_mentee_see_the_page_with_private_notes(client, pair):
    for person in (pair.mentor, pair.mentee):
        client.force_login(person.user)
        response = client.get(pair.get_absolute_url())
        assert response.status_code == 200
        assert SECRET in response.content.decode()


def test_another_participant_gets_404(client, pair):
    client.force_login(PersonFactory().user)
    assert client.get(pair.get_absolute_url()).status_code == 404
    assert client.get(url("agreement-edit", pair)).status_code == 404
    assert client.post(url("pair-help", pair), {"kind": "help", "message": "x"}).status_code == 404
    assert not HelpRequest.objects.exists()


def test_anonymous_is_sent_to_login(client, pair):
    for name in ("mentorship-detail", "agreement-edit", "meeting-schedule", "pair-help", "mentorship-private-notes"):
        assert client.get(url(name, pair)).status_code == 302


def test_hr_analyst_without_a_place_in_the_pair_gets_404(client, pair):
    client.force_login(HRAnalystFactory())
    assert client.get(pair.get_absolute_url()).status_code == 404
    assert client.get(url("mentorship-private-notes", pair)).status_code == 404


def test_coordinator_of_another_program_gets_404(client, pair):
    other = CoordinatorFactory()
    ProgramFactory().coordinators.add(other)
    client.force_login(other)
    assert client.get(pair.get_absolute_url()).status_code == 404
    assert client.get(url("mentorship-private-notes", pair)).status_code == 404


def test_coordinator_sees_the_pair_without_private_or_progress_notes(client, pair, coordinator):
    goal = DevelopmentGoalFactory(person=pair.mentee)
    GoalProgressNote.objects.create(goal=goal, author=pair.mentee, text="Drafted my first budget memo")
    client.force_login(coordinator)
    response = client.get(pair.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in body
    assert "Drafted my first budget memo" not in body
    assert "Open the private notes" in body
    assert not AuditEntry.objects.exists()


def test_coordinator_cannot_change_the_pair(client, pair, coordinator):
    client.force_login(coordinator)
    assert client.get(url("agreement-edit", pair)).status_code == 403
    assert client.post(url("agreement-confirm", pair)).status_code == 403
    assert client.get(url("meeting-schedule", pair)).status_code == 403
    assert client.post(url("pair-help", pair), {"kind": "help", "message": "x"}).status_code == 403


def test_a_get_of_the_private_notes_shows_only_the_form_and_writes_nothing(client, pair, coordinator):
    """A crawler, a link preview or another site's link loads the URL: nothing opens, nothing is audited."""
    client.force_login(coordinator)
    response = client.get(url("mentorship-private-notes", pair))
    assert response.status_code == 200
    body = response.content.decode()
    assert SECRET not in body
    assert 'method="post"' in body and 'name="reason"' in body
    assert not AuditEntry.objects.exists()


def test_coordinator_opening_private_notes_with_a_reason_is_audited(client, pair, coordinator):
    client.force_login(coordinator)
    reason = "The mentee reported   a concern about the last meeting."
    response = client.post(url("mentorship-private-notes", pair), {"reason": reason})
    assert response.status_code == 200
    assert SECRET in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.target_id) == ("mentorship.view_private_notes", coordinator, str(pair.pk))
    assert entry.data == {"reason": "The mentee reported a concern about the last meeting."}
    # People are named by reference (scrubbed if anonymised); the reason is in the data only.
    from audit.references import render_entries

    render_entries([entry])
    assert entry.summary_text == f"Opened the private notes of {pair.mentor.full_name} → {pair.mentee.full_name}"
    assert entry.data["reason"] == "The mentee reported a concern about the last meeting."


@pytest.mark.parametrize("reason", ["", "   ", "because", "x" * 301])
def test_opening_private_notes_without_a_real_reason_is_refused(client, pair, coordinator, reason):
    client.force_login(coordinator)
    response = client.post(url("mentorship-private-notes", pair), {"reason": reason})
    assert response.status_code == 400
    body = response.content.decode()
    assert SECRET not in body
    assert "invalid-feedback" in body or "errorlist" in body
    assert not AuditEntry.objects.exists()


def test_a_coordinator_of_another_program_cannot_open_the_notes_by_post(client, pair):
    other = CoordinatorFactory()
    ProgramFactory().coordinators.add(other)
    client.force_login(other)
    response = client.post(url("mentorship-private-notes", pair), {"reason": "I would like to read them please."})
    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


def test_pair_members_are_sent_to_their_own_page_from_the_private_notes_view(client, pair):
    client.force_login(pair.mentee.user)
    response = client.get(url("mentorship-private-notes", pair))
    assert response.status_code == 302
    response = client.post(url("mentorship-private-notes", pair), {"reason": "Reading my own pair notes."})
    assert response.status_code == 302
    assert not AuditEntry.objects.exists()


def test_pair_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, pair):
    for _ in range(10):
        goal = DevelopmentGoalFactory(person=pair.mentee)
        meeting = MeetingFactory(mentorship=pair)
        meeting.goals_touched.add(goal)
        for _ in range(3):
            GoalProgressNote.objects.create(goal=goal, author=pair.mentor, text="note")
    client.force_login(pair.mentor.user)
    with django_assert_max_num_queries(14):
        assert client.get(pair.get_absolute_url()).status_code == 200


# --- Agreement -----------------------------------------------------------------------------------
def test_either_side_writes_the_agreement_and_each_confirms(client, pair):
    goal = DevelopmentGoalFactory(person=pair.mentee)
    client.force_login(pair.mentee.user)
    response = client.post(
        url("agreement-edit", pair),
        {"goals": [goal.pk], "cadence": "weekly", "meeting_format": "video", "expectations": "Come prepared"},
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(mentorship=pair)
    assert list(agreement.goals.all()) == [goal]
    assert agreement.expectations == "Come prepared"

    client.post(url("agreement-confirm", pair))
    client.force_login(pair.mentor.user)
    client.post(url("agreement-confirm", pair))
    agreement.refresh_from_db()
    assert agreement.mentee_agreed_at and agreement.mentor_agreed_at


def test_changing_the_agreement_resets_both_confirmations(client, pair):
    now = timezone.now()
    agreement = Agreement.objects.create(mentorship=pair, mentor_agreed_at=now, mentee_agreed_at=now)
    client.force_login(pair.mentor.user)
    client.post(url("agreement-edit", pair), {"cadence": "monthly", "meeting_format": "phone", "expectations": ""})
    agreement.refresh_from_db()
    assert agreement.cadence == "monthly"
    assert agreement.mentor_agreed_at is None and agreement.mentee_agreed_at is None


def test_saving_an_unchanged_agreement_keeps_the_confirmations(client, pair):
    now = timezone.now()
    Agreement.objects.create(
        mentorship=pair, cadence="biweekly", meeting_format="video", mentor_agreed_at=now, mentee_agreed_at=now
    )
    client.force_login(pair.mentee.user)
    client.post(url("agreement-edit", pair), {"cadence": "biweekly", "meeting_format": "video", "expectations": ""})
    agreement = Agreement.objects.get(mentorship=pair)
    assert agreement.mentor_agreed_at and agreement.mentee_agreed_at


@pytest.mark.parametrize("mentee_has_goals", [True, False])
def test_agreement_rejects_a_goal_from_someone_elses_idp(client, pair, mentee_has_goals):
    if mentee_has_goals:
        DevelopmentGoalFactory(person=pair.mentee)
    stranger_goal = DevelopmentGoalFactory()
    mentor_goal = DevelopmentGoalFactory(person=pair.mentor)
    client.force_login(pair.mentor.user)
    for goal in (stranger_goal, mentor_goal):
        response = client.post(
            url("agreement-edit", pair),
            {"goals": [goal.pk], "cadence": "weekly", "meeting_format": "video", "expectations": "Keep me"},
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert "Keep me" in response.content.decode()
    assert not Agreement.objects.exists()


def test_confirming_before_anything_is_written_says_so(client, pair):
    client.force_login(pair.mentee.user)
    response = client.post(url("agreement-confirm", pair), follow=True)
    assert "no agreement to confirm yet" in response.content.decode()


# --- Meetings ------------------------------------------------------------------------------------
def test_mentor_schedules_a_meeting_in_their_time_zone(client, pair):
    pair.mentor.time_zone = "Europe/Berlin"
    pair.mentor.save()
    client.force_login(pair.mentor.user)
    when = (timezone.now() + timedelta(days=2)).astimezone(timezone.get_fixed_timezone(0))
    typed = f"{when:%Y-%m-%d}T10:30"
    response = client.post(
        url("meeting-schedule", pair), {"scheduled_at": typed, "meeting_format": "in_person", "duration_minutes": 45}
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(status=Meeting.Status.SCHEDULED)
    berlin = meeting.scheduled_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert (berlin.hour, berlin.minute) == (10, 30)
    assert (meeting.meeting_format, meeting.duration_minutes) == ("in_person", 45)


def test_the_mentee_cannot_schedule_log_or_cancel(client, pair):
    scheduled = MeetingFactory(mentorship=pair, status=Meeting.Status.SCHEDULED, scheduled_at=timezone.now() + timedelta(days=1))
    client.force_login(pair.mentee.user)
    assert client.get(url("meeting-schedule", pair)).status_code == 403
    assert client.get(url("meeting-log", pair, scheduled.pk)).status_code == 403
    assert client.post(url("meeting-cancel", pair, scheduled.pk)).status_code == 403
    scheduled.refresh_from_db()
    assert scheduled.status == Meeting.Status.SCHEDULED


@pytest.mark.parametrize(
    "data,message",
    [
        ({"scheduled_at": "2020-01-01T10:00", "meeting_format": "video", "duration_minutes": 60}, "in the future"),
        ({"scheduled_at": "next tuesday", "meeting_format": "video", "duration_minutes": 60}, "Enter a date and time"),
        ({"scheduled_at": "2031-02-30T10:00", "meeting_format": "video", "duration_minutes": 60}, "Enter a date and time"),
        ({"scheduled_at": in_a_while(), "meeting_format": "video", "duration_minutes": 2}, "at least 5 minutes"),
        ({"scheduled_at": in_a_while(), "meeting_format": "video", "duration_minutes": 900}, "at most 480 minutes"),
        ({"scheduled_at": in_a_while(), "meeting_format": "carrier_pigeon", "duration_minutes": 60}, "Select a valid choice"),
    ],
)
def test_bad_meeting_input_is_a_clear_message_and_saves_nothing(client, pair, data, message):
    client.force_login(pair.mentor.user)
    response = client.post(url("meeting-schedule", pair), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.filter(status=Meeting.Status.SCHEDULED).exists()


def test_a_past_meeting_time_is_reported_next_to_the_date_field(client, pair):
    client.force_login(pair.mentor.user)
    data = {"scheduled_at": "2020-01-01T10:00", "meeting_format": "video", "duration_minutes": 60}
    form = client.post(url("meeting-schedule", pair), data).context["form"]
    assert form.errors["scheduled_at"] == ["Choose a date and time in the future."]
    assert not form.non_field_errors()


def test_mentor_logs_a_meeting_as_held_with_goals_and_notes(client, pair):
    goal = DevelopmentGoalFactory(person=pair.mentee)
    meeting = MeetingFactory(mentorship=pair, status=Meeting.Status.SCHEDULED, scheduled_at=timezone.now() - timedelta(hours=2))
    client.force_login(pair.mentor.user)
    response = client.post(
        url("meeting-log", pair, meeting.pk),
        {"duration_minutes": 50, "meeting_format": "phone", "goals_touched": [goal.pk], "private_notes": "Good talk"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert (meeting.duration_minutes, meeting.meeting_format, meeting.private_notes) == (50, "phone", "Good talk")
    assert list(meeting.goals_touched.all()) == [goal]
    assert meeting.logged_by == pair.mentor


@pytest.mark.parametrize("mentee_has_goals", [True, False])
def test_logging_rejects_a_goal_from_someone_elses_idp_and_keeps_the_notes(client, pair, mentee_has_goals):
    if mentee_has_goals:
        DevelopmentGoalFactory(person=pair.mentee)
    meeting = MeetingFactory(mentorship=pair, status=Meeting.Status.SCHEDULED, scheduled_at=timezone.now() - timedelta(hours=2), private_notes="")
    client.force_login(pair.mentor.user)
    response = client.post(
        url("meeting-log", pair, meeting.pk),
        {"duration_minutes": 50, "meeting_format": "phone", "goals_touched": [DevelopmentGoalFactory().pk], "private_notes": "Typed notes"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert "Typed notes" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_a_future_meeting_cannot_be_logged_as_held(client, pair):
    meeting = MeetingFactory(mentorship=pair, status=Meeting.Status.SCHEDULED, scheduled_at=timezone.now() + timedelta(days=2))
    client.force_login(pair.mentor.user)
    response = client.post(url("meeting-log", pair, meeting.pk), {"duration_minutes": 50, "meeting_format": "phone"})
    assert "has not happened yet" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_mentor_cancels_a_scheduled_meeting(client, pair):
    meeting = MeetingFactory(mentorship=pair, status=Meeting.Status.SCHEDULED, scheduled_at=timezone.now() + timedelta(days=2))
    client.force_login(pair.mentor.user)
    assert client.post(url("meeting-cancel", pair, meeting.pk)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED


def test_a_meeting_of_another_pair_is_404(client, pair):
    theirs = MeetingFactory()
    client.force_login(pair.mentor.user)
    assert client.get(url("meeting-log", pair, theirs.pk)).status_code == 404
    assert client.post(url("meeting-cancel", pair, theirs.pk)).status_code == 404


def test_an_ended_pair_takes_no_new_meetings(client, pair):
    Mentorship.objects.filter(pk=pair.pk).update(status=Mentorship.Status.ENDED)
    client.force_login(pair.mentor.user)
    response = client.post(
        url("meeting-schedule", pair), {"scheduled_at": in_a_while(), "meeting_format": "video", "duration_minutes": 60}
    )
    assert "This pair has ended" in response.content.decode()


# --- Goal progress -------------------------------------------------------------------------------
def test_mentor_and_mentee_add_progress_notes(client, pair):
    goal = DevelopmentGoalFactory(person=pair.mentee)
    for person in (pair.mentor, pair.mentee):
        client.force_login(person.user)
        response = client.post(url("goal-note-add", pair, goal.pk), {"text": f"Note by {person.first_name}"})
        assert response.status_code == 302
    assert GoalProgressNote.objects.filter(goal=goal).count() == 2
    body = client.get(pair.get_absolute_url()).content.decode()
    assert f"Note by {pair.mentor.first_name}" in body


def test_progress_note_on_a_goal_outside_the_mentees_idp_is_404(client, pair):
    client.force_login(pair.mentor.user)
    for goal in (DevelopmentGoalFactory(), DevelopmentGoalFactory(person=pair.mentor)):
        assert client.post(url("goal-note-add", pair, goal.pk), {"text": "x"}).status_code == 404
    assert not GoalProgressNote.objects.exists()


def test_an_empty_progress_note_is_refused(client, pair):
    goal = DevelopmentGoalFactory(person=pair.mentee)
    client.force_login(pair.mentee.user)
    response = client.post(url("goal-note-add", pair, goal.pk), {"text": "  "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not GoalProgressNote.objects.exists()


# --- Asking the coordinator ----------------------------------------------------------------------
@pytest.mark.parametrize("kind,reason", [("help", PairFlag.Reason.HELP), ("rematch", PairFlag.Reason.REMATCH)])
def test_asking_for_help_creates_a_request_a_flag_and_a_signal(
    client, pair, django_capture_on_commit_callbacks, kind, reason
):
    received = []
    help_requested.connect(lambda sender, help_request, **kw: received.append(help_request.pk), weak=False, dispatch_uid="t-help")
    client.force_login(pair.mentee.user)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("pair-help", pair), {"kind": kind, "message": "We never meet"})
    finally:
        help_requested.disconnect(dispatch_uid="t-help")
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    assert (request.kind, request.requested_by, request.message) == (kind, pair.mentee, "We never meet")
    assert PairFlag.objects.filter(mentorship=pair, reason=reason, resolved_at__isnull=True).count() == 1
    assert received == [request.pk]


def test_asking_twice_keeps_one_open_flag(client, pair):
    client.force_login(pair.mentor.user)
    client.post(url("pair-help", pair), {"kind": "help", "message": "First"})
    client.post(url("pair-help", pair), {"kind": "help", "message": "Second"})
    assert HelpRequest.objects.count() == 2
    assert PairFlag.objects.filter(reason=PairFlag.Reason.HELP).count() == 1


def test_a_help_request_without_a_message_is_refused(client, pair):
    client.force_login(pair.mentee.user)
    response = client.post(url("pair-help", pair), {"kind": "rematch", "message": ""})
    assert response.status_code == 200
    assert "Tell the coordinator what is going on" in response.content.decode()
    assert not HelpRequest.objects.exists() and not PairFlag.objects.exists()


# --- Logging a meeting that was never scheduled here -------------------------------------------
def test_mentor_logs_a_past_meeting_that_was_not_scheduled(client, pair):
    goal = DevelopmentGoalFactory(person=pair.mentee)
    held = timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.force_login(pair.mentor.user)
    response = client.post(
        url("meeting-record", pair),
        {"held_at": held, "meeting_format": "in_person", "duration_minutes": 30, "goals_touched": [goal.pk], "private_notes": "Coffee chat"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(private_notes="Coffee chat")
    assert (meeting.status, meeting.duration_minutes, meeting.logged_by) == (Meeting.Status.HELD, 30, pair.mentor)
    assert list(meeting.goals_touched.all()) == [goal]


@pytest.mark.parametrize(
    "held_at,message",
    [
        (in_a_while(), "already happened"),
        ("2001-01-01T10:00", "The pair started on"),
        ("yesterday-ish", "Enter a date and time"),
    ],
)
def test_logging_a_past_meeting_refuses_bad_dates_and_keeps_the_notes(client, pair, held_at, message):
    client.force_login(pair.mentor.user)
    response = client.post(
        url("meeting-record", pair),
        {"held_at": held_at, "meeting_format": "video", "duration_minutes": 30, "private_notes": "Keep these words"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "Keep these words" in body
    assert not Meeting.objects.filter(private_notes="Keep these words").exists()


def test_only_the_mentor_logs_past_meetings(client, pair, coordinator):
    for user in (pair.mentee.user, coordinator):
        client.force_login(user)
        assert client.get(url("meeting-record", pair)).status_code == 403
    client.force_login(PersonFactory().user)
    assert client.get(url("meeting-record", pair)).status_code == 404


def test_the_programs_coordinators_are_emailed_about_a_help_request(
    client, pair, coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(pair.mentee.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("pair-help", pair), {"kind": "rematch", "message": "We never meet"})
    assert [m.to for m in mailoutbox] == [[coordinator.email]]


def test_correcting_a_log_keeps_a_goal_achieved_since(client, pair):
    from profiles.models import GoalStatus

    goal = DevelopmentGoalFactory(person=pair.mentee, status=GoalStatus.ACHIEVED)
    meeting = MeetingFactory(mentorship=pair, scheduled_at=timezone.now() - timedelta(days=3))
    meeting.goals_touched.add(goal)
    client.force_login(pair.mentor.user)
    response = client.post(
        url("meeting-log", pair, meeting.pk),
        {"duration_minutes": 40, "meeting_format": "video", "goals_touched": [goal.pk], "private_notes": "Fixed"},
    )
    assert response.status_code == 302
    assert list(meeting.goals_touched.all()) == [goal]


def _pair_pages(pair):
    meeting = pair.meetings.first()
    goal = DevelopmentGoalFactory(person=pair.mentee)
    return [
        ("get", url("agreement-edit", pair)),
        ("post", url("agreement-confirm", pair)),
        ("get", url("meeting-schedule", pair)),
        ("get", url("meeting-record", pair)),
        ("get", url("meeting-log", pair, meeting.pk)),
        ("post", url("meeting-cancel", pair, meeting.pk)),
        ("get", url("goal-note-add", pair, goal.pk)),
        ("get", url("pair-help", pair)),
    ]


def test_every_pair_subpage_by_role(client, pair, coordinator):
    pages = _pair_pages(pair)
    expected = [
        (None, 302),
        (PersonFactory().user, 404),
        (HRAnalystFactory(), 404),
        (coordinator, 403),
    ]
    for user, status in expected:
        client.logout()
        if user is not None:
            client.force_login(user)
        for method, page in pages:
            assert getattr(client, method)(page).status_code == status, (user, page)
    client.force_login(pair.mentor.user)
    for method, page in pages:
        if method == "get":
            assert client.get(page).status_code == 200, page
