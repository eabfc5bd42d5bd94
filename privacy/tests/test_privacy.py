import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from profiles.models import GoalProgressNote, Person
from profiles.tests.factories import (
    CoordinatorFactory,
    DevelopmentGoalFactory,
    HRAnalystFactory,
    PersonFactory,
    PersonSkillFactory,
    UserFactory,
)
from programs.models import HelpReply, HelpRequest, Meeting, MeetingRequest, Mentorship
from programs.tests.factories import MeetingFactory, MentorshipFactory, RSVPFactory
from surveys.models import Answer, Invitation, QuestionKind, Response
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    pair = MentorshipFactory(status=Mentorship.Status.COMPLETED)
    MeetingFactory(mentorship=pair, private_notes="We discussed her promotion case.")
    return pair


def _named_answer(person, text="My mentor was great"):
    survey = OpenSurveyFactory(anonymous=False)
    likert = QuestionFactory(survey=survey, kind=QuestionKind.LIKERT)
    free = QuestionFactory(survey=survey, kind=QuestionKind.TEXT, required=False)
    invitation = InvitationFactory(survey=survey, person=person)
    Invitation.objects.filter(pk=invitation.pk).update(used=True)
    response = Response.objects.create(
        survey=survey, anonymous=False, invitation=invitation, person=person, role="mentee",
        department=person.department, submitted_at=timezone.now(),
    )
    Answer.objects.create(response=response, question=likert, number=5)
    Answer.objects.create(response=response, question=free, text=text)
    return response


def test_a_participant_downloads_their_own_data_as_json(client, pair):
    mentee = pair.mentee
    PersonSkillFactory(person=mentee)
    goal = DevelopmentGoalFactory(person=mentee)
    GoalProgressNote.objects.create(goal=goal, author=mentee, text="Drafted my first budget memo")
    RSVPFactory(person=mentee)
    _named_answer(mentee)
    client.force_login(mentee.user)
    page = client.get(reverse("privacy:my-data"))
    assert page.status_code == 200
    response = client.get(reverse("privacy:my-data") + "?format=json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["email"] == mentee.email
    assert data["development_plan"][0]["notes"][0]["text"] == "Drafted my first budget memo"
    assert data["mentorships"][0]["with"] == pair.mentor.full_name
    assert data["meetings"][0]["private_notes"] == "We discussed her promotion case."
    assert len(data["event_responses"]) == 1
    assert {a["answer"] for a in data["named_survey_answers"][0]["answers"]} == {5, "My mentor was great"}


def test_my_data_holds_nothing_about_other_people(client, pair):
    other = PersonFactory()
    client.force_login(other.user)
    data = json.loads(client.get(reverse("privacy:my-data") + "?format=json").content)
    assert data["mentorships"] == [] and data["meetings"] == []
    assert pair.mentee.email not in json.dumps(data)


def test_my_data_needs_a_login_and_an_employee_record(client):
    assert client.get(reverse("privacy:my-data")).status_code == 302
    client.force_login(HRAnalystFactory())
    assert client.get(reverse("privacy:my-data")).status_code == 404


def test_a_coordinator_removes_a_person_who_left_keeping_the_figures(client, pair):
    mentee = pair.mentee
    mentee.separated_on = timezone.localdate() - timedelta(days=3)
    mentee.save()
    goal = DevelopmentGoalFactory(person=mentee, aim="Lead a team")
    GoalProgressNote.objects.create(goal=goal, author=mentee, text="Private reflection")
    response = _named_answer(mentee)
    login_user = mentee.user
    coordinator = CoordinatorFactory()
    pair.cycle.program.coordinators.add(coordinator)
    client.force_login(coordinator)
    url = reverse("privacy:person-remove", args=[mentee.pk])
    assert client.get(url).status_code == 200
    result = client.post(url, {"reason": "Left on 20 November", "confirm": "on"})
    assert result.status_code == 302

    mentee.refresh_from_db()
    login_user.refresh_from_db()
    assert mentee.full_name == f"Former employee #{mentee.pk}"
    assert "invalid" in mentee.email and mentee.user is None and mentee.anonymised_at
    assert not login_user.is_active and not login_user.has_usable_password()
    assert mentee.department_id and mentee.separated_on  # retention figures still count them
    assert Mentorship.objects.filter(pk=pair.pk).exists()
    assert Meeting.objects.get(mentorship=pair).private_notes == ""
    assert GoalProgressNote.objects.get(goal=goal).text == "[removed]"
    response.refresh_from_db()
    assert response.person_id is None
    assert sorted(a.number for a in response.answers.all() if a.number) == [5]  # the score stays
    assert not response.answers.filter(text="My mentor was great").exists()
    entry = AuditEntry.objects.get(action="privacy.anonymise")
    assert entry.actor == coordinator and entry.data == {"reason": "Left on 20 November"}
    assert "Left on" not in entry.summary


def test_removing_someone_still_employed_is_refused_with_a_message(client):
    person = PersonFactory()
    client.force_login(UserFactory(is_coordinator=True, is_staff=True))
    response = client.post(reverse("privacy:person-remove", args=[person.pk]), {"reason": "x", "confirm": "on"})
    assert response.status_code == 200
    assert "Record the separation date first" in response.content.decode()
    person.refresh_from_db()
    assert person.anonymised_at is None and person.user is not None


def test_removing_someone_with_an_active_pair_is_refused(client):
    pair = MentorshipFactory()
    Person.objects.filter(pk=pair.mentor_id).update(separated_on=timezone.localdate())
    coordinator = CoordinatorFactory()
    pair.cycle.program.coordinators.add(coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("privacy:person-remove", args=[pair.mentor_id]), {"reason": "x", "confirm": "on"})
    assert "End this person" in response.content.decode()


def test_removal_needs_confirmation(client):
    person = PersonFactory(separated_on=timezone.localdate())
    client.force_login(UserFactory(is_coordinator=True, is_staff=True))
    response = client.post(reverse("privacy:person-remove", args=[person.pk]), {"reason": "Left"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.anonymised_at is None


@pytest.mark.parametrize("who", ["anonymous", "participant", "hr"])
def test_only_coordinators_may_remove_people(client, who):
    person = PersonFactory(separated_on=timezone.localdate())
    if who == "participant":
        client.force_login(PersonFactory().user)
    elif who == "hr":
        client.force_login(HRAnalystFactory())
    response = client.post(reverse("privacy:person-remove", args=[person.pk]), {"reason": "x", "confirm": "on"})
    assert response.status_code == (302 if who == "anonymous" else 403)
    person.refresh_from_db()
    assert person.anonymised_at is None


def _reply_and_proposal(pair):
    request = HelpRequest.objects.create(
        mentorship=pair, requested_by=pair.mentee, kind="rematch", message="We never meet."
    )
    HelpReply.objects.create(help_request=request, text="I will find you a new mentor.")
    MeetingRequest.objects.create(
        mentorship=pair, proposed_by=pair.mentee, starts_at=timezone.now() + timedelta(days=2),
        note="After my medical appointment", status=MeetingRequest.Status.DECLINED, response_note="I am away",
    )  # fmt: skip


def test_my_data_holds_replies_proposed_times_and_contact_choices(client, pair):
    _reply_and_proposal(pair)
    mentee = pair.mentee
    client.force_login(mentee.user)
    data = json.loads(client.get(reverse("privacy:my-data") + "?format=json").content)
    assert data["help_requests"][0]["replies"][0]["text"] == "I will find you a new mentor."
    assert data["meeting_times_proposed"][0]["note"] == "After my medical appointment"
    assert data["profile"]["show_email_to_pair"] is True and data["profile"]["show_phone_to_pair"] is False


def test_removing_a_person_removes_replies_to_them_proposal_notes_and_phone(client, pair):
    _reply_and_proposal(pair)
    mentee = pair.mentee
    mentee.separated_on, mentee.phone = timezone.localdate() - timedelta(days=3), "+1 202 555 0100"
    mentee.save()
    coordinator = CoordinatorFactory()
    pair.cycle.program.coordinators.add(coordinator)
    client.force_login(coordinator)
    url = reverse("privacy:person-remove", args=[mentee.pk])
    assert client.post(url, {"reason": "Left", "confirm": "on"}).status_code == 302
    assert HelpReply.objects.get().text == "[removed]"
    proposal = MeetingRequest.objects.get()
    assert (proposal.note, proposal.response_note) == ("", "")
    mentee.refresh_from_db()
    assert mentee.phone == "" and not mentee.show_email_to_pair
