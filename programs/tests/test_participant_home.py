from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.models import GoalStatus
from profiles.tests.factories import CoordinatorFactory, DevelopmentGoalFactory, HRAnalystFactory, PersonFactory
from programs.models import RSVP, Agreement, Enrollment, Meeting
from programs.tests.factories import (
    CycleFactory,
    EnrollmentFactory,
    EventFactory,
    MeetingFactory,
    MentorshipFactory,
    OpenCycleFactory,
    RSVPFactory,
)

pytestmark = pytest.mark.django_db
HOME = reverse("programs:participant-home")


def _todo_texts(response) -> list[str]:
    return [todo.text for todo in response.context["data"].todos]


def test_anonymous_is_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_coordinator_or_hr_without_a_person_gets_403(client):
    for user in (CoordinatorFactory(), HRAnalystFactory()):
        client.force_login(user)
        assert client.get(HOME).status_code == 403


def test_home_shows_my_applications_pairs_events_and_goals(client):
    me = PersonFactory(first_name="Mona")
    cycle = CycleFactory(name="Spring")
    EnrollmentFactory(person=me, cycle=cycle, status=Enrollment.Status.APPROVED)
    pair = MentorshipFactory(cycle=cycle, mentee=me, mentor=PersonFactory(first_name="Otto", last_name="Mentor"))
    MeetingFactory(mentorship=pair, scheduled_at=timezone.now() - timedelta(days=3))
    MeetingFactory(
        mentorship=pair, scheduled_at=timezone.now() + timedelta(days=4), status=Meeting.Status.SCHEDULED
    )
    event = EventFactory(cycle=cycle, title="Kickoff party")
    RSVPFactory(event=event, person=me, status=RSVP.Status.GOING)
    DevelopmentGoalFactory(person=me, skill=None, target_level=None, aim="Run a budget review")

    client.force_login(me.user)
    response = client.get(HOME)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Spring" in body and "Approved" in body
    assert "Mentored by Otto Mentor" in body
    assert "Kickoff party" in body and "My reply: going" in body
    assert "Run a budget review" in body
    (m,) = response.context["data"].mentorships
    assert m.last_meeting_at is not None and m.next_meeting_at > timezone.now()


def test_home_does_not_show_other_peoples_pairs_or_events(client):
    me = PersonFactory()
    other_pair = MentorshipFactory()
    EventFactory(cycle=other_pair.cycle, title="Somebody else's social")
    client.force_login(me.user)
    body = client.get(HOME).content.decode()
    assert str(other_pair.mentor) not in body
    assert "Somebody else's social" not in body


def test_what_to_do_next_lists_each_kind_of_task(client):
    me = PersonFactory()
    OpenCycleFactory(name="Autumn")
    running = CycleFactory()
    pair = MentorshipFactory(cycle=running, mentee=me, started_on=timezone.localdate() - timedelta(days=60))
    MeetingFactory(mentorship=pair, scheduled_at=timezone.now() - timedelta(days=40))
    EventFactory(cycle=running, title="Midpoint keynote")

    client.force_login(me.user)
    todos = _todo_texts(client.get(HOME))

    assert any("Autumn" in t and "open until" in t for t in todos)
    assert any("Midpoint keynote" in t for t in todos)
    assert any("No meeting with" in t for t in todos)
    assert any("no agreement yet" in t for t in todos)
    assert any("no active goals" in t for t in todos)


def test_nothing_to_do_when_everything_is_done(client):
    me = PersonFactory()
    running = CycleFactory()
    pair = MentorshipFactory(cycle=running, mentee=me)
    MeetingFactory(mentorship=pair, scheduled_at=timezone.now() - timedelta(days=2))
    Agreement.objects.create(mentorship=pair, mentee_agreed_at=timezone.now())
    event = EventFactory(cycle=running)
    RSVPFactory(event=event, person=me, status=RSVP.Status.NOT_GOING)
    DevelopmentGoalFactory(person=me)
    open_cycle = OpenCycleFactory()
    EnrollmentFactory(person=me, cycle=open_cycle, status=Enrollment.Status.PENDING)

    client.force_login(me.user)
    assert _todo_texts(client.get(HOME)) == []


def test_an_unconfirmed_agreement_asks_me_to_confirm(client):
    me = PersonFactory()
    pair = MentorshipFactory(mentee=me)
    Agreement.objects.create(mentorship=pair, mentor_agreed_at=timezone.now())
    client.force_login(me.user)
    assert any("Confirm your agreement" in t for t in _todo_texts(client.get(HOME)))


def test_achieved_goals_alone_count_as_an_empty_plan(client):
    me = PersonFactory()
    DevelopmentGoalFactory(person=me, status=GoalStatus.ACHIEVED)
    client.force_login(me.user)
    assert any("no active goals" in t for t in _todo_texts(client.get(HOME)))


def _populate(person, *, pairs: int, events: int) -> None:
    cycle = CycleFactory()
    EnrollmentFactory(person=person, cycle=cycle)
    for i in range(pairs):
        pair = MentorshipFactory(cycle=CycleFactory(program=cycle.program), mentor=person)
        MeetingFactory(mentorship=pair)
        if i % 2:
            Agreement.objects.create(mentorship=pair)
    for i in range(events):
        event = EventFactory(cycle=cycle)
        if i % 2:
            RSVPFactory(event=event, person=person)
    for _ in range(max(pairs, 1)):
        DevelopmentGoalFactory(person=person)
        OpenCycleFactory(program=cycle.program)


@pytest.mark.parametrize("pairs,events", [(1, 2), (5, 20)])
def test_home_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, pairs, events):
    me = PersonFactory()
    _populate(me, pairs=pairs, events=events)
    client.force_login(me.user)
    with django_assert_max_num_queries(12):
        response = client.get(HOME)
    assert response.status_code == 200
    assert len(response.context["data"].mentorships) == pairs
