"""Anonymous surveys keep no path from a response to a person, and hide small groups."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from profiles.models import Person
from profiles.tests.factories import DepartmentFactory, PersonFactory
from surveys.models import Answer, Draft, Invitation, QuestionKind, Response
from surveys.tests.conftest import token_url
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

    response = Response.objects.get()
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


def test_anonymous_response_records_role_and_department_only_for_groups_of_five(client, anonymous_survey):
    big = DepartmentFactory()
    small = DepartmentFactory()
    crowd = [InvitationFactory(survey=anonymous_survey, person=PersonFactory(department=big), role="mentee") for _ in range(5)]
    lone = InvitationFactory(survey=anonymous_survey, person=PersonFactory(department=small), role="mentor")

    _answer(client, crowd[0])
    _answer(client, lone)

    assert set(Response.objects.values_list("role", "department_id")) == {("mentee", big.pk), ("", None)}


def test_results_are_hidden_below_five_respondents(client, anonymous_survey, coordinator):
    invitations = [InvitationFactory(survey=anonymous_survey) for _ in range(5)]
    for invitation in invitations[:4]:
        _answer(client, invitation, comment="Secret thought")
    client.force_login(coordinator)
    url = reverse("surveys:survey-results", args=[anonymous_survey.pk])

    page = client.get(url).content.decode()
    assert "results stay hidden" in page
    assert "Secret thought" not in page
    assert "survey-chart-data" not in page

    client.logout()
    _answer(client, invitations[4], comment="Secret thought")
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert "results stay hidden" not in page
    assert "Secret thought" in page


def test_breakdown_groups_and_questions_under_five_are_hidden(client, anonymous_survey, coordinator):
    big, small = DepartmentFactory(name="Big Office"), DepartmentFactory(name="Small Office")
    people = [PersonFactory(department=big) for _ in range(6)] + [PersonFactory(department=small) for _ in range(5)]
    invitations = [InvitationFactory(survey=anonymous_survey, person=p) for p in people]
    for invitation in invitations[:6] + invitations[6:8]:  # 6 from Big, 2 from Small
        _answer(client, invitation, comment="ok" if invitation in invitations[:3] else "")
    client.force_login(coordinator)

    results = client.get(reverse("surveys:survey-results", args=[anonymous_survey.pk])).context["results"]

    by_department = results.breakdowns[1]
    assert [g.label for g in by_department.groups] == ["Big Office"]
    assert by_department.hidden_groups == 1
    comment = next(r for r in results.questions if r.question == anonymous_survey.comment)
    assert comment.hidden and comment.texts == []  # only three people wrote a comment


def test_anonymous_export_has_no_identity_columns(client, anonymous_survey, coordinator):
    invitation = InvitationFactory(survey=anonymous_survey)
    _answer(client, invitation, comment="fine")
    client.force_login(coordinator)
    body = b"".join(client.get(reverse("surveys:survey-export", args=[anonymous_survey.pk, "csv"])).streaming_content)
    text = body.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header == "Submitted on,The program helped me grow.,Comments"
    assert invitation.person.email not in text
    assert invitation.person.last_name not in text


def test_drafts_of_closed_surveys_are_purged(client, anonymous_survey):
    from datetime import timedelta

    from django.utils import timezone

    from surveys.services import drafts_purge

    invitation = InvitationFactory(survey=anonymous_survey)
    client.post(token_url(invitation), {anonymous_survey.likert.field_name: "3", "action": "save"})
    assert drafts_purge() == 0  # still open: the draft stays
    assert drafts_purge(now=timezone.now() + timedelta(days=30)) == 1
    assert not Draft.objects.exists()
