"""Drafts as people go; submitting twice records once; at-risk flags at once."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection

from programs.models import PairFlag
from programs.tests.factories import MentorshipFactory
from surveys import services
from surveys.forms import AnswerValue
from surveys.models import Audience, Draft, Measure, PendingSubmission, QuestionKind, Response
from surveys.tests.conftest import token_url, valid_post
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_draft_saves_without_validating_and_comes_back(client, invitation):
    q = invitation.survey.q
    data = {q["rating"].field_name: "7", q["text"].field_name: "Half written", "action": "save"}

    response = client.post(token_url(invitation), data, headers={"X-Requested-With": "fetch"})

    assert response.status_code == 200
    assert response.json()["saved"] is True
    assert Draft.objects.get(invitation=invitation).data == {q["rating"].field_name: "7", q["text"].field_name: "Half written"}
    page = client.get(token_url(invitation)).content.decode()
    assert "Half written" in page
    assert re.search(rf'name="{q["rating"].field_name}" value="7"[^>]*checked', page)


def test_draft_save_without_javascript_redirects_back_with_a_message(client, invitation):
    q = invitation.survey.q
    response = client.post(token_url(invitation), {q["text"].field_name: "Later", "action": "save"}, follow=True)
    assert "Your answers are saved" in response.content.decode()
    assert "Later" in response.content.decode()


def test_submitting_twice_records_once(client, invitation):
    first = client.post(token_url(invitation), valid_post(invitation.survey))
    second = client.post(token_url(invitation), valid_post(invitation.survey))
    assert first.status_code == 302 and second.status_code == 410
    assert Response.objects.count() == 1


def test_service_submit_is_idempotent(invitation):
    answers = {invitation.survey.q["likert"].pk: AnswerValue(number=5)}
    assert services.response_submit(invitation=invitation, answers=answers) is True
    assert services.response_submit(invitation=invitation, answers=answers) is False
    assert Response.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("anonymous", [False, True], ids=["named", "anonymous"])
def test_simultaneous_submits_record_once(every_kind_survey, anonymous):
    from surveys.models import PendingSubmission
    from surveys.tests.conftest import release_all

    every_kind_survey.anonymous = anonymous
    every_kind_survey.save()
    invitation = InvitationFactory(survey=every_kind_survey)
    answers = {every_kind_survey.q["likert"].pk: AnswerValue(number=3)}
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        try:
            barrier.wait()
            results.append(services.response_submit(invitation=invitation, answers=answers))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    if anonymous:
        assert PendingSubmission.objects.count() == 1
        release_all(every_kind_survey)
    assert Response.objects.count() == 1


def _pairing_survey(**kwargs):
    survey = OpenSurveyFactory(anonymous=False, audience=Audience.PAIR_MENTEES, **kwargs)
    score = QuestionFactory(
        survey=survey, kind=QuestionKind.LIKERT, text="We are a good match.", measure=Measure.PAIRING_SATISFACTION
    )
    new = QuestionFactory(survey=survey, kind=QuestionKind.YES_NO, text="I want a new mentor.", measure=Measure.WANTS_NEW_MENTOR)
    return survey, score, new


def test_low_pairing_score_flags_the_pair_right_away(client):
    survey, score, new = _pairing_survey()
    pair = MentorshipFactory(cycle=survey.cycle)
    invitation = InvitationFactory(survey=survey, person=pair.mentee, mentorship=pair, role="mentee")

    client.post(token_url(invitation), {score.field_name: "2", new.field_name: "0", "action": "submit"})

    flag = PairFlag.objects.get(mentorship=pair)
    assert flag.reason == PairFlag.Reason.LOW_SCORE
    assert "We are a good match. Answered 2 of 5 (disagree)." in flag.detail


def test_asking_for_a_new_mentor_flags_the_pair(client):
    survey, score, new = _pairing_survey()
    pair = MentorshipFactory(cycle=survey.cycle)
    invitation = InvitationFactory(survey=survey, person=pair.mentee, mentorship=pair, role="mentee")

    client.post(token_url(invitation), {score.field_name: "4", new.field_name: "1", "action": "submit"})

    assert list(PairFlag.objects.values_list("mentorship_id", "reason")) == [(pair.pk, PairFlag.Reason.REMATCH)]


def test_good_answers_raise_no_flag_and_a_repeat_flag_is_not_duplicated(client):
    survey, score, new = _pairing_survey()
    pair = MentorshipFactory(cycle=survey.cycle)
    happy = InvitationFactory(survey=survey, person=pair.mentee, mentorship=pair, role="mentee")
    client.post(token_url(happy), {score.field_name: "5", new.field_name: "0", "action": "submit"})
    assert not PairFlag.objects.exists()

    mentor_invite = InvitationFactory(survey=survey, person=pair.mentor, mentorship=pair, role="mentor")
    PairFlag.objects.create(mentorship=pair, reason=PairFlag.Reason.LOW_SCORE)
    client.post(token_url(mentor_invite), {score.field_name: "1", new.field_name: "0", "action": "submit"})
    assert PairFlag.objects.filter(mentorship=pair, resolved_at__isnull=True).count() == 1


def test_named_survey_without_a_pair_link_flags_the_persons_active_pair(client):
    survey, score, new = _pairing_survey()
    survey.audience = Audience.MENTEES
    survey.save()
    pair = MentorshipFactory(cycle=survey.cycle)
    invitation = InvitationFactory(survey=survey, person=pair.mentee, role="mentee")
    client.post(token_url(invitation), {score.field_name: "1", new.field_name: "0", "action": "submit"})
    assert PairFlag.objects.filter(mentorship=pair, reason=PairFlag.Reason.LOW_SCORE).exists()


def test_anonymous_survey_never_flags_a_pair(client):
    survey, score, new = _pairing_survey()
    survey.anonymous = True
    survey.save()
    pair = MentorshipFactory(cycle=survey.cycle)
    invitation = InvitationFactory(survey=survey, person=pair.mentee, mentorship=pair, role="mentee")
    client.post(token_url(invitation), {score.field_name: "1", new.field_name: "1", "action": "submit"})
    assert PendingSubmission.objects.filter(survey=survey).count() == 1
    assert not PairFlag.objects.exists()


@pytest.mark.django_db
def test_the_daily_purge_task_deletes_drafts_of_closed_surveys_only():
    from datetime import timedelta

    from django.utils import timezone

    from surveys.anonymity.sealing import seal
    from surveys.models import Draft
    from surveys.tasks import purge_drafts
    from surveys.tests.factories import InvitationFactory, OpenSurveyFactory

    closed = OpenSurveyFactory(closes_on=timezone.localdate() - timedelta(days=1))
    still_open = OpenSurveyFactory()
    Draft.objects.create(invitation=InvitationFactory(survey=closed), sealed=seal({"q1": "3"}))
    kept = Draft.objects.create(invitation=InvitationFactory(survey=still_open), sealed=seal({"q1": "4"}))
    assert purge_drafts.delay().get() == 1
    assert list(Draft.objects.values_list("pk", flat=True)) == [kept.pk]
