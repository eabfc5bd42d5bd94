"""Anonymous surveys keep no path from a response to a person, and hide small groups."""

from __future__ import annotations

import base64
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from profiles.models import Person
from profiles.tests.factories import DepartmentFactory, PersonFactory
from surveys.models import Answer, Draft, Invitation, PendingSubmission, QuestionKind, Response
from surveys.tests.conftest import release_all, token_url
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous_survey(cycle):
    survey = OpenSurveyFactory(cycle=cycle, anonymous=True, title="Outcomes")
    survey.likert = QuestionFactory(survey=survey, kind=QuestionKind.LIKERT, text="The program helped me grow.")
    survey.comment = QuestionFactory(survey=survey, kind=QuestionKind.TEXT, text="Comments", required=False)
    return survey


def _answer(client, invitation, value="4", comment=""):
    survey = invitation.survey
    data = {survey.likert.field_name: value, survey.comment.field_name: comment, "action": "submit"}
    assert client.post(token_url(invitation), data).status_code == 302


def test_anonymous_response_keeps_no_person_invitation_pair_or_time(client, anonymous_survey):
    invitation = InvitationFactory(survey=anonymous_survey)
    client.post(token_url(invitation), {anonymous_survey.likert.field_name: "3", "action": "save"})
    assert Draft.objects.filter(invitation=invitation).exists()

    _answer(client, invitation, comment="Loved it")

    # The answers wait sealed in the pool: nothing readable, no time, a random key.
    assert not Response.objects.exists()
    pending = PendingSubmission.objects.get()
    assert isinstance(pending.pk, uuid.UUID)
    assert "Loved it" not in pending.sealed
    assert base64.urlsafe_b64decode(pending.sealed)[1:9] == bytes(8)  # Fernet's clear timestamp: zero
    assert release_all(anonymous_survey) == 1
    assert not PendingSubmission.objects.exists()

    response = Response.objects.get()
    assert response.submitted_on.weekday() == 0  # the Monday of the week it was released
    assert isinstance(response.pk, uuid.UUID)  # no sequence that mirrors the order of invitations
    assert (response.person_id, response.invitation_id, response.mentorship_id, response.submitted_at) == (
        None,
        None,
        None,
        None,
    )
    invitation.refresh_from_db()
    assert invitation.used is True
    assert not Draft.objects.exists()  # the draft, keyed by invitation, is gone


def test_no_query_joins_an_anonymous_response_to_a_person(client, anonymous_survey):
    invitations = [InvitationFactory(survey=anonymous_survey) for _ in range(3)]
    for invitation in invitations:
        _answer(client, invitation)
    release_all(anonymous_survey)

    assert not Person.objects.filter(survey_responses__survey=anonymous_survey).exists()
    assert not Invitation.objects.filter(survey=anonymous_survey, response__isnull=False).exists()
    assert not Response.objects.filter(survey=anonymous_survey, person__isnull=False).exists()
    assert not Answer.objects.filter(response__survey=anonymous_survey, response__invitation__isnull=False).exists()
    # The schema itself: these are every relation a response or an answer has. The identifying
    # ones (invitation, person, pair) exist for named surveys only...
    reachable = {
        f.related_model._meta.label
        for model in (Response, Answer)
        for f in model._meta.get_fields()
        if f.is_relation and f.related_model is not None and getattr(f, "concrete", False)
    }
    assert reachable == {
        "surveys.Survey",
        "surveys.Question",
        "surveys.Response",
        "surveys.Invitation",
        "profiles.Person",
        "programs.Mentorship",
        "profiles.Department",
    }
    # ...and the identifying ones are nullable and enforced empty for anonymous rows:
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=anonymous_survey, anonymous=True, person=invitations[0].person)


def test_anonymous_response_keeps_role_and_department_only_as_coarse_as_five_invitees(client, anonymous_survey):
    big, small = DepartmentFactory(), DepartmentFactory()
    crowd = [InvitationFactory(survey=anonymous_survey, person=PersonFactory(department=big), role="mentee") for _ in range(5)]
    crowd += [InvitationFactory(survey=anonymous_survey, person=PersonFactory(department=big), role="mentor") for _ in range(5)]
    lone = InvitationFactory(survey=anonymous_survey, person=PersonFactory(department=small), role="mentor")

    _answer(client, crowd[0])
    _answer(client, lone)
    release_all(anonymous_survey)

    # Mentors (6) and Big (10) each pass five, but "mentor in Small" is one person: Small is
    # merged into "other departments", and then "mentor, other" is one person too, so the
    # department is dropped and only the role, which every invitee shares with four others, stays.
    assert set(Response.objects.values_list("role", "department_id")) == {("mentee", None), ("mentor", None)}


def test_role_and_department_both_stay_when_every_combination_has_five(client, anonymous_survey):
    one, two = DepartmentFactory(), DepartmentFactory()
    invitations = [
        InvitationFactory(survey=anonymous_survey, person=PersonFactory(department=department), role=role)
        for department in (one, two)
        for role in ("mentor", "mentee")
        for _ in range(5)
    ]
    _answer(client, invitations[0])
    _answer(client, invitations[-1])
    release_all(anonymous_survey)

    assert set(Response.objects.values_list("role", "department_id")) == {("mentor", one.pk), ("mentee", two.pk)}


def test_results_are_hidden_below_five_respondents(client, anonymous_survey, coordinator):
    invitations = [InvitationFactory(survey=anonymous_survey) for _ in range(5)]
    for invitation in invitations[:4]:
        _answer(client, invitation, comment="Secret thought")
    release_all(anonymous_survey)
    client.force_login(coordinator)
    url = reverse("surveys:survey-results", args=[anonymous_survey.pk])

    page = client.get(url).content.decode()
    assert "so they stay hidden" in page
    assert "Secret thought" not in page
    assert "survey-chart-data" not in page

    client.logout()
    _answer(client, invitations[4], comment="Secret thought")
    release_all(anonymous_survey)
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert "so they stay hidden" not in page
    assert "Secret thought" in page


def test_breakdown_groups_and_questions_under_five_are_hidden(client, anonymous_survey, coordinator):
    big, small = DepartmentFactory(name="Big Office"), DepartmentFactory(name="Small Office")
    people = [PersonFactory(department=big) for _ in range(6)] + [PersonFactory(department=small) for _ in range(5)]
    invitations = [InvitationFactory(survey=anonymous_survey, person=p) for p in people]
    for invitation in invitations[:6] + invitations[6:8]:  # 6 from Big, 2 from Small
        _answer(client, invitation, comment="ok" if invitation in invitations[:3] else "")
    release_all(anonymous_survey)
    client.force_login(coordinator)

    results = client.get(reverse("surveys:survey-results", args=[anonymous_survey.pk])).context["results"]

    by_department = results.breakdowns[1]
    # Small Office (2) is hidden, and so is Big Office: with the total of 8 on the page, showing
    # Big's 6 would give Small's 2 (and their mean) by subtraction.
    assert by_department.groups == []
    assert by_department.hidden_groups == 2
    comment = next(r for r in results.questions if r.question == anonymous_survey.comment)
    assert comment.hidden and comment.texts == []  # only three people wrote a comment


def test_anonymous_export_has_no_identity_columns(client, anonymous_survey, coordinator):
    invitations = [InvitationFactory(survey=anonymous_survey) for _ in range(5)]
    for invitation in invitations:
        _answer(client, invitation, comment="fine")
    release_all(anonymous_survey)
    client.force_login(coordinator)
    body = b"".join(client.get(reverse("surveys:survey-export", args=[anonymous_survey.pk, "csv"])).streaming_content)
    text = body.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Week released,The program helped me grow.,Comments"
    assert len(lines) == 6
    for invitation in invitations:
        assert invitation.person.email not in text
        assert invitation.person.last_name not in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_anonymous_export_with_fewer_than_five_responses_exports_nothing(client, anonymous_survey, coordinator, fmt):
    from audit.models import AuditEntry

    invitation = InvitationFactory(survey=anonymous_survey)
    _answer(client, invitation, comment="The only answer, so plainly mine")
    release_all(anonymous_survey)
    client.force_login(coordinator)

    response = client.get(reverse("surveys:survey-export", args=[anonymous_survey.pk, fmt]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("surveys:survey-results", args=[anonymous_survey.pk])
    page = response.content.decode()
    assert "nothing to export yet" in page
    assert "plainly mine" not in page
    assert not AuditEntry.objects.filter(action="survey.export").exists()


def test_anonymous_export_leaves_out_a_question_fewer_than_five_answered(client, anonymous_survey, coordinator):
    invitations = [InvitationFactory(survey=anonymous_survey) for _ in range(6)]
    for i, invitation in enumerate(invitations):
        _answer(client, invitation, comment="Only I wrote this" if i == 0 else "")
    release_all(anonymous_survey)
    client.force_login(coordinator)
    body = b"".join(client.get(reverse("surveys:survey-export", args=[anonymous_survey.pk, "csv"])).streaming_content)
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == "Week released,The program helped me grow."
    assert "Only I wrote this" not in text


def test_drafts_are_sealed_and_purged_when_the_survey_closes(client, anonymous_survey):
    from datetime import timedelta

    from django.utils import timezone

    from surveys.services import drafts_purge

    invitation = InvitationFactory(survey=anonymous_survey)
    client.post(token_url(invitation), {anonymous_survey.comment.field_name: "Half a complaint", "action": "save"})
    draft = Draft.objects.get()
    assert "Half a complaint" not in draft.sealed
    assert draft.data[anonymous_survey.comment.field_name] == "Half a complaint"
    assert drafts_purge() == 0  # still open: the draft stays
    assert drafts_purge(now=timezone.now() + timedelta(days=30)) == 1
    assert not Draft.objects.exists()
