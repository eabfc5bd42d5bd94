"""Each question kind validates its answer; a bad answer keeps everything typed."""

from __future__ import annotations

import pytest

from surveys.models import Answer, Draft, Response
from surveys.tests.conftest import token_url, valid_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "bad_value", "message"),
    [
        ("likert", "6", "Choose one of the five answers."),
        ("likert", "", "Choose how much you agree."),
        ("rating", "11", "Choose a number from 0 to 10."),
        ("rating", "-1", "Choose a number from 0 to 10."),
        ("rating", "seven", "Choose a number from 0 to 10."),
        ("single", "Daily", "Choose one of the options listed."),
        ("single", "", "Choose one option."),
        ("multiple", ["Meetings", "Cake"], "Choose only from the options listed."),
        ("multiple", [], "Choose at least one option."),
        ("yes_no", "maybe", "Answer yes or no."),
        ("yes_no", "", "Answer yes or no."),
        ("text", "   ", "Write an answer."),
        ("text", "x" * 4001, "Keep the answer under 4000 characters."),
    ],
)
def test_invalid_answer_shows_message_next_to_its_question_and_records_nothing(
    client, invitation, kind, bad_value, message
):
    survey = invitation.survey
    data = valid_post(survey)
    data[survey.q[kind].field_name] = bad_value

    response = client.post(token_url(invitation), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="{survey.q[kind].field_name}-error">{message}' in html
    assert 'aria-invalid="true"' in html
    assert not Response.objects.exists()
    invitation.refresh_from_db()
    assert invitation.used is False


def test_invalid_answer_keeps_every_other_answer_typed_on_the_page_and_in_the_draft(client, invitation):
    survey = invitation.survey
    data = valid_post(survey)
    data[survey.q["rating"].field_name] = "42"
    data[survey.q["optional"].field_name] = "A note I wrote"

    response = client.post(token_url(invitation), data)

    html = response.content.decode()
    assert "More time with my mentor." in html
    assert "A note I wrote" in html
    assert f'name="{survey.q["single"].field_name}" value="Weekly" class="form-check-input"' in html
    draft = Draft.objects.get(invitation=invitation)
    assert draft.data[survey.q["text"].field_name] == "More time with my mentor."
    assert draft.data[survey.q["multiple"].field_name] == ["Meetings", "Goals"]
    # And it is still there on the next visit.
    again = client.get(token_url(invitation)).content.decode()
    assert "More time with my mentor." in again


def test_valid_answers_are_stored_by_kind(client, invitation):
    survey = invitation.survey
    response = client.post(token_url(invitation), valid_post(survey))

    assert response.status_code == 302
    answers = {a.question_id: a for a in Answer.objects.all()}
    q = survey.q
    assert answers[q["likert"].pk].number == 4
    assert answers[q["rating"].pk].number == 9
    assert answers[q["single"].pk].text == "Weekly"
    assert answers[q["multiple"].pk].options == ["Meetings", "Goals"]
    assert answers[q["yes_no"].pk].number == 1
    assert answers[q["text"].pk].text == "More time with my mentor."
    assert q["optional"].pk not in answers  # optional and left empty: no row
    assert not Draft.objects.exists()


def test_optional_questions_may_be_left_empty(client, invitation):
    data = valid_post(invitation.survey)
    data[invitation.survey.q["optional"].field_name] = ""
    assert client.post(token_url(invitation), data).status_code == 302


def test_rating_accepts_both_ends_of_the_scale(client, invitation):
    data = valid_post(invitation.survey)
    data[invitation.survey.q["rating"].field_name] = "0"
    client.post(token_url(invitation), data)
    assert Answer.objects.get(question=invitation.survey.q["rating"]).number == 0
