"""The pair page's contact block, and meeting times the mentee proposes for the mentor to accept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from calendars.feed import meeting_uid
from calendars.services import feed_issue
from notifications.models import Delivery, Kind
from profiles.tests.factories import HRAnalystFactory, PersonFactory
from programs.models import Meeting, MeetingRequest, Mentorship
from programs.tests.coordinator_world import make_world
from programs.tests.factories import MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    mentor = PersonFactory(first_name="Mona", email="mona@example.gov", phone="+1 202 555 0101")
    mentee = PersonFactory(
        first_name="Erin", email="erin@example.gov", phone="+1 202 555 0199", time_zone="Europe/Paris"
    )
    world.pair = MentorshipFactory(cycle=world.cycle, mentor=mentor, mentee=mentee)
    world.other_pair = MentorshipFactory(cycle=world.cycle)
    return world


def _page(client, user, pair):
    client.force_login(user)
    return client.get(pair.get_absolute_url())


# --- Contact ---------------------------------------------------------------------------------


def test_by_default_each_sees_the_others_email_not_phone(client, world):
    text = _page(client, world.pair.mentee.user, world.pair).content.decode()
    assert 'href="mailto:mona@example.gov"' in text
    assert "+1 202 555 0101" not in text and "Not shared" in text
    assert "Your mentor, " in text and "schedules your meetings" in text
    text = _page(client, world.pair.mentor.user, world.pair).content.decode()
    assert 'href="mailto:erin@example.gov"' in text and "+1 202 555 0199" not in text
    assert "As the mentor, you schedule the pair" in text


def test_each_field_follows_the_persons_choice(client, world):
    mentor = world.pair.mentor
    mentor.show_email_to_pair, mentor.show_phone_to_pair = False, True
    mentor.save()
    text = _page(client, world.pair.mentee.user, world.pair).content.decode()
    assert "mailto:mona@example.gov" not in text
    assert 'href="tel:+1 202 555 0101"' in text


def test_the_choice_is_made_on_the_profile(client, world):
    person = world.pair.mentee
    client.force_login(person.user)
    form = client.get(reverse("profiles:profile-edit")).content.decode()
    assert "Show my work phone to my mentor or mentee" in form
    data = {
        "title": person.title, "phone": person.phone, "office_location": person.office_location,
        "time_zone": person.time_zone, "prefers_video": "on", "bio": "", "mentor_capacity": 1,
        "show_phone_to_pair": "on",
    }  # fmt: skip
    assert client.post(reverse("profiles:profile-edit"), data).status_code == 302
    person.refresh_from_db()
    assert person.show_phone_to_pair is True and person.show_email_to_pair is False
    text = _page(client, world.pair.mentor.user, world.pair).content.decode()
    assert "+1 202 555 0199" in text and "mailto:erin@example.gov" not in text


def test_a_coordinator_of_the_program_sees_both_as_shared(client, world):
    text = _page(client, world.coordinator, world.pair).content.decode()
    assert "mailto:mona@example.gov" in text and "mailto:erin@example.gov" in text
    assert "+1 202 555 0101" not in text


@pytest.mark.parametrize("who", ["other_participant", "other_coordinator", "hr"])
def test_nobody_else_sees_the_contact_block(client, world, who):
    user = {
        "other_participant": world.other_pair.mentee.user,
        "other_coordinator": world.other_coordinator,
        "hr": HRAnalystFactory(),
    }[who]
    response = _page(client, user, world.pair)
    assert response.status_code == 404 and b"mona@example.gov" not in response.content


def test_anonymous_goes_to_sign_in(client, world):
    response = client.get(world.pair.get_absolute_url())
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


# --- Proposing a time -------------------------------------------------------------------------


def _local(moment):
    """As the mentee types it: her own time zone (Europe/Paris) in a datetime-local field."""
    with timezone.override("Europe/Paris"):
        return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _propose(client, world, when=None, **extra):
    when = when or (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    data = {"starts_at": _local(when), "meeting_format": "video", "duration_minutes": 45, **extra}
    client.force_login(world.pair.mentee.user)
    return client.post(reverse("programs:meeting-propose", args=[world.pair.pk]), data)


def test_the_mentee_proposes_and_the_mentor_is_mailed_once(client, world, django_capture_on_commit_callbacks):
    when = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        response = _propose(client, world, when, note="After the\x00 stand-up\u0085")
    assert response.status_code == 302
    proposal = MeetingRequest.objects.get()
    assert proposal.starts_at == when and proposal.status == MeetingRequest.Status.PENDING
    assert proposal.note == "After the stand-up" and proposal.duration_minutes == 45
    rows = Delivery.objects.filter(kind=Kind.MEETING_REQUESTED)
    assert [(r.email, r.object_id) for r in rows] == [("mona@example.gov", proposal.pk)]
    assert [m.to for m in mail.outbox] == [["mona@example.gov"]]
    # In the mentor's own zone (New York), with the zone named.
    with timezone.override("America/New_York"):
        local = timezone.localtime(when)
    assert local.strftime("%H:%M") in mail.outbox[0].body and "E" in local.strftime("%Z")
    text = _page(client, world.pair.mentor.user, world.pair).content.decode()
    assert reverse("programs:meeting-request-accept", args=[world.pair.pk, proposal.pk]) in text


@pytest.mark.parametrize(
    "starts_at, message",
    [
        ("2020-01-01T10:00", "in the future"),
        ("tomorrow at noon", "Enter a date and time"),
        ("", "Choose a date and time"),
        ("2026-13-45T99:99", "Enter a date and time"),
        # Clocks go forward in Paris (the mentee's zone): 02:30 does not exist that night.
        ("2031-03-30T02:30", "Europe/Paris"),
    ],
)
def test_bad_times_are_refused_with_a_message(client, world, starts_at, message):
    client.force_login(world.pair.mentee.user)
    response = client.post(
        reverse("programs:meeting-propose", args=[world.pair.pk]),
        {"starts_at": starts_at, "meeting_format": "video", "duration_minutes": 60},
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not MeetingRequest.objects.exists() and not Delivery.objects.filter(kind=Kind.MEETING_REQUESTED).exists()


@pytest.mark.parametrize(
    "extra", [{"duration_minutes": 2}, {"duration_minutes": 9999}, {"meeting_format": "telepathy"}]
)
def test_bad_length_or_format_is_refused(client, world, extra):
    assert _propose(client, world, **extra).status_code == 400
    assert not MeetingRequest.objects.exists()


def test_the_same_time_twice_is_one_proposal_and_one_mail(client, world):
    when = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    assert _propose(client, world, when).status_code == 302
    again = _propose(client, world, when)
    assert again.status_code == 400 and "already proposed this time" in again.content.decode()
    assert MeetingRequest.objects.count() == 1
    assert Delivery.objects.filter(kind=Kind.MEETING_REQUESTED).count() == 1


def test_at_most_three_times_wait_at_once(client, world):
    for days in (1, 2, 3):
        assert _propose(client, world, timezone.now() + timedelta(days=days)).status_code == 302
    response = _propose(client, world, timezone.now() + timedelta(days=4))
    assert response.status_code == 400 and "3 times waiting" in response.content.decode()
    assert MeetingRequest.objects.count() == 3


def test_times_that_passed_unanswered_do_not_block_new_ones(client, world):
    for days in (1, 2, 3):
        MeetingRequest.objects.create(
            mentorship=world.pair, proposed_by=world.pair.mentee, starts_at=timezone.now() - timedelta(days=days)
        )
    assert _propose(client, world).status_code == 302
    assert MeetingRequest.objects.filter(status=MeetingRequest.Status.PENDING).count() == 4


def test_the_mentor_does_not_propose_but_schedules(client, world):
    client.force_login(world.pair.mentor.user)
    assert client.get(reverse("programs:meeting-propose", args=[world.pair.pk])).status_code == 403


def test_an_ended_pair_takes_no_proposals(client, world):
    Mentorship.objects.filter(pk=world.pair.pk).update(status=Mentorship.Status.ENDED)
    response = _propose(client, world)
    assert response.status_code == 400 and "has ended" in response.content.decode()


@pytest.mark.parametrize("who", ["other_participant", "other_coordinator", "coordinator", "hr"])
def test_only_the_mentee_may_propose(client, world, who):
    user = {
        "other_participant": world.other_pair.mentee.user,
        "other_coordinator": world.other_coordinator,
        "coordinator": world.coordinator,
        "hr": HRAnalystFactory(),
    }[who]
    client.force_login(user)
    data = {"starts_at": _local(timezone.now() + timedelta(days=2)), "meeting_format": "video", "duration_minutes": 60}
    response = client.post(reverse("programs:meeting-propose", args=[world.pair.pk]), data)
    assert response.status_code == (403 if who == "coordinator" else 404)
    assert not MeetingRequest.objects.exists()


# --- Answering --------------------------------------------------------------------------------


@pytest.fixture
def proposal(world):
    return MeetingRequest.objects.create(
        mentorship=world.pair, proposed_by=world.pair.mentee, starts_at=timezone.now() + timedelta(days=5),
        duration_minutes=30, meeting_format="phone", note="Before lunch",
    )  # fmt: skip


def _answer(client, user, world, proposal, action, **data):
    client.force_login(user)
    url = reverse(f"programs:meeting-request-{action}", args=[world.pair.pk, proposal.pk])
    return client.post(url, data, follow=True)


def test_accepting_schedules_the_meeting_and_mails_both_once(
    client, world, proposal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _answer(client, world.pair.mentor.user, world, proposal, "accept")
    assert "the meeting is scheduled" in response.content.decode()
    proposal.refresh_from_db()
    meeting = proposal.meeting
    assert proposal.status == MeetingRequest.Status.ACCEPTED and proposal.responded_at is not None
    assert (meeting.scheduled_at, meeting.duration_minutes, meeting.meeting_format) == (proposal.starts_at, 30, "phone")
    assert meeting.status == Meeting.Status.SCHEDULED and meeting.sequence == 0
    rows = Delivery.objects.filter(kind=Kind.MEETING_REQUEST_ACCEPTED)
    assert sorted(r.email for r in rows) == ["erin@example.gov", "mona@example.gov"]
    assert sorted(m.to[0] for m in mail.outbox) == ["erin@example.gov", "mona@example.gov"]
    # On the pair page, coming up, and on the mentee's calendar feed like any meeting.
    assert meeting in response.context["upcoming_meetings"]
    feed = client.get(reverse("calendars:feed", args=[feed_issue(person=world.pair.mentee)]))
    assert meeting_uid(meeting) in feed.content.decode()


def test_accepting_twice_schedules_one_meeting(client, world, proposal):
    _answer(client, world.pair.mentor.user, world, proposal, "accept")
    again = _answer(client, world.pair.mentor.user, world, proposal, "accept")
    assert "already answered" in again.content.decode()
    assert Meeting.objects.filter(mentorship=world.pair).count() == 1
    assert Delivery.objects.filter(kind=Kind.MEETING_REQUEST_ACCEPTED).count() == 2


def test_a_time_that_has_passed_cannot_be_accepted(client, world, proposal):
    MeetingRequest.objects.filter(pk=proposal.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    response = _answer(client, world.pair.mentor.user, world, proposal, "accept")
    assert "This time has passed" in response.content.decode()
    assert not Meeting.objects.filter(mentorship=world.pair).exists()
    proposal.refresh_from_db()
    assert proposal.status == MeetingRequest.Status.PENDING


def test_declining_needs_a_note_and_tells_the_mentee(client, world, proposal, django_capture_on_commit_callbacks):
    empty = _answer(client, world.pair.mentor.user, world, proposal, "decline", note=" \x00 ")
    assert "Not declined" in empty.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == MeetingRequest.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        _answer(client, world.pair.mentor.user, world, proposal, "decline", note="I am away; try Thursday.")
    proposal.refresh_from_db()
    assert proposal.status == MeetingRequest.Status.DECLINED and proposal.response_note == "I am away; try Thursday."
    assert not Meeting.objects.filter(mentorship=world.pair).exists()
    assert [r.email for r in Delivery.objects.filter(kind=Kind.MEETING_REQUEST_DECLINED)] == ["erin@example.gov"]
    assert [m.to for m in mail.outbox] == [["erin@example.gov"]] and "try Thursday" in mail.outbox[0].body
    text = _page(client, world.pair.mentee.user, world.pair).content.decode()
    assert "I am away; try Thursday." in text


def test_the_mentee_cannot_accept_her_own_proposal(client, world, proposal):
    response = _answer(client, world.pair.mentee.user, world, proposal, "accept")
    assert response.status_code == 403
    assert not Meeting.objects.filter(mentorship=world.pair).exists()


def test_the_mentee_withdraws_and_nobody_is_mailed(client, world, proposal):
    _answer(client, world.pair.mentee.user, world, proposal, "withdraw")
    proposal.refresh_from_db()
    assert proposal.status == MeetingRequest.Status.WITHDRAWN
    assert not Delivery.objects.filter(kind__startswith="meeting_request").exists()
    again = _answer(client, world.pair.mentor.user, world, proposal, "accept")
    assert "already answered" in again.content.decode()


def test_another_pairs_proposal_is_a_404(client, world):
    stranger = MeetingRequest.objects.create(
        mentorship=world.other_pair, proposed_by=world.other_pair.mentee, starts_at=timezone.now() + timedelta(days=2)
    )
    client.force_login(world.pair.mentor.user)
    url = reverse("programs:meeting-request-accept", args=[world.pair.pk, stranger.pk])
    assert client.post(url).status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == MeetingRequest.Status.PENDING


@pytest.mark.parametrize("who", ["other_participant", "other_coordinator", "coordinator", "hr"])
def test_nobody_but_the_mentor_answers(client, world, proposal, who):
    user = {
        "other_participant": world.other_pair.mentor.user,
        "other_coordinator": world.other_coordinator,
        "coordinator": world.coordinator,
        "hr": HRAnalystFactory(),
    }[who]
    client.force_login(user)
    for action in ("accept", "decline"):
        url = reverse(f"programs:meeting-request-{action}", args=[world.pair.pk, proposal.pk])
        assert client.post(url, {"note": "No"}).status_code == (403 if who == "coordinator" else 404)
    proposal.refresh_from_db()
    assert proposal.status == MeetingRequest.Status.PENDING


def test_answers_need_a_post(client, world, proposal):
    client.force_login(world.pair.mentor.user)
    for action in ("accept", "decline", "withdraw"):
        url = reverse(f"programs:meeting-request-{action}", args=[world.pair.pk, proposal.pk])
        assert client.get(url).status_code == 405


def test_the_mentors_home_asks_to_answer_a_proposed_time(client, world, proposal):
    client.force_login(world.pair.mentor.user)
    text = client.get(reverse("programs:participant-home")).content.decode()
    assert "proposed 1 meeting time." in text and "#meeting-requests" in text
    _answer(client, world.pair.mentor.user, world, proposal, "accept")
    text = client.get(reverse("programs:participant-home")).content.decode()
    assert "proposed 1 meeting time" not in text
