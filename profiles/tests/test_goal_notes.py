from __future__ import annotations

import pytest
from django.urls import reverse

from profiles.models import GoalProgressNote
from profiles.tests.factories import DevelopmentGoalFactory, PersonFactory
from programs.models import Mentorship
from programs.tests.factories import MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(person):
    return DevelopmentGoalFactory(person=person)


def _url(goal) -> str:
    return reverse("profiles:goal-notes", args=[goal.pk])


def test_owner_reads_and_adds_notes(client, person, goal):
    GoalProgressNote.objects.create(goal=goal, author=person, text="Read two books")
    client.force_login(person.user)
    assert "Read two books" in client.get(_url(goal)).content.decode()
    response = client.post(_url(goal), {"text": "Gave my first briefing"})
    assert response.status_code == 302
    assert GoalProgressNote.objects.filter(goal=goal, author=person, text="Gave my first briefing").exists()


def test_current_mentor_reads_and_adds_notes(client, person, goal):
    mentorship = MentorshipFactory(mentee=person)
    GoalProgressNote.objects.create(goal=goal, author=person, text="Private progress")
    client.force_login(mentorship.mentor.user)
    assert "Private progress" in client.get(_url(goal)).content.decode()
    assert client.post(_url(goal), {"text": "Try the budget panel"}).status_code == 302
    assert GoalProgressNote.objects.filter(goal=goal, author=mentorship.mentor).exists()


def test_a_former_mentor_no_longer_sees_the_notes(client, person, goal):
    mentorship = MentorshipFactory(mentee=person, status=Mentorship.Status.COMPLETED)
    client.force_login(mentorship.mentor.user)
    assert client.get(_url(goal)).status_code == 404


def test_the_persons_own_mentee_does_not_see_their_notes(client, person, goal):
    mentorship = MentorshipFactory(mentor=person)
    client.force_login(mentorship.mentee.user)
    assert client.get(_url(goal)).status_code == 404


def test_another_participant_gets_not_found_and_cannot_add(client, goal, other):
    client.force_login(other.user)
    assert client.get(_url(goal)).status_code == 404
    assert client.post(_url(goal), {"text": "sneaky"}).status_code == 404
    assert not GoalProgressNote.objects.exists()


def test_coordinator_of_the_pair_does_not_see_the_notes(client, person, goal, coordinator):
    mentorship = MentorshipFactory(mentee=person)
    mentorship.cycle.program.coordinators.add(coordinator)
    client.force_login(coordinator)
    assert client.get(_url(goal)).status_code == 404


def test_hr_never_sees_notes_even_with_an_employee_record(client, goal):
    hr_person = PersonFactory(user__is_hr_analyst=True)
    client.force_login(hr_person.user)
    assert client.get(_url(goal)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, goal):
    assert client.get(_url(goal)).status_code == 302


def test_an_empty_note_is_refused(client, person, goal):
    client.force_login(person.user)
    response = client.post(_url(goal), {"text": "   "})
    assert response.status_code == 200
    assert "Write something in the note." in response.content.decode()
    assert not GoalProgressNote.objects.exists()
