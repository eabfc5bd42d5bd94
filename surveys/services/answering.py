"""Answering: drafts kept by invitation, and the one submission each invitation allows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from programs.models import Mentorship, PairFlag
from surveys.anonymity.sealing import seal
from surveys.forms import AnswerValue
from surveys.models import (
    LIKERT_LABELS,
    Answer,
    Draft,
    Invitation,
    Measure,
    Question,
    QuestionKind,
    Response,
)
from surveys.services import pool


class SurveyUnavailable(ValidationError):
    """The survey is closed (or not open yet): nothing is saved."""


def _ensure_open(invitation: Invitation, today: date) -> None:
    if not invitation.survey.is_open(today):
        raise SurveyUnavailable("This survey is closed, so answers can no longer be saved.")


@transaction.atomic
def draft_save(*, invitation: Invitation, data: dict[str, Any], today: date | None = None) -> bool:
    """Keep what was typed so far. False (and nothing saved) once the invitation was used."""
    _ensure_open(invitation, today or timezone.localdate())
    if Invitation.objects.filter(pk=invitation.pk, used=True).exists():
        return False
    Draft.objects.update_or_create(invitation=invitation, defaults={"sealed": seal(data)})
    return True


def response_submit(*, invitation: Invitation, answers: dict[int, AnswerValue], today: date | None = None) -> bool:
    """Record the answers once. False if this invitation was already used (nothing changes).

    The conditional UPDATE is the claim: of two simultaneous submits, PostgreSQL lets one
    change the row and the other, re-checking `used` after the first commits, changes nothing.

    Anonymous surveys take three transactions that share nothing (docs/surveys.md, Anonymity):
    1. claim the invitation and delete its draft;
    2. seal the answers, with the raw role and department, into the pending pool;
    3. release a shuffled batch from the pool if enough are waiting (surveys.services.pool).
    Called inside an outer transaction (tests, scripts) they become savepoints of it, and the
    separation is lost; the request path runs with ATOMIC_REQUESTS off.
    """
    today = today or timezone.localdate()
    _ensure_open(invitation, today)
    if not invitation.survey.anonymous:
        return _named_submit(invitation=invitation, answers=answers, today=today)
    with transaction.atomic():
        if not _claim(invitation):
            return False
    try:
        pool.pending_add(
            survey=invitation.survey,
            role=invitation.role,
            department_id=invitation.person.department_id,
            answers=answers,
        )
    except Exception:
        # The answers were not kept: give the invitation back so the person can submit again.
        Invitation.objects.filter(pk=invitation.pk).update(used=False)
        raise
    pool.pool_release(survey_id=invitation.survey_id, today=today)
    return True


def _claim(invitation: Invitation) -> bool:
    if not Invitation.objects.filter(pk=invitation.pk, used=False).update(used=True):
        return False
    Draft.objects.filter(invitation=invitation).delete()
    return True


@transaction.atomic
def _named_submit(*, invitation: Invitation, answers: dict[int, AnswerValue], today: date) -> bool:
    if not _claim(invitation):
        return False
    person = invitation.person
    survey = invitation.survey
    response = Response.objects.create(
        survey=survey,
        anonymous=False,
        invitation=invitation,
        person=person,
        mentorship_id=invitation.mentorship_id,
        role=invitation.role,
        department_id=person.department_id,
        submitted_on=today,
        submitted_at=timezone.now(),
    )
    Answer.objects.bulk_create(
        Answer(response=response, question_id=qid, number=a.number, text=a.text, options=a.options)
        for qid, a in answers.items()
    )
    _flag_pair_at_risk(invitation=invitation, answers=answers)
    return True


def _on_its_scale(question: Question, number: int) -> str:
    """'2 of 5 (Disagree)', '3 of 10', 'no': a score a coordinator can read without the survey."""
    if question.kind == QuestionKind.LIKERT:
        return f"{number} of 5 ({LIKERT_LABELS.get(number, '?').lower()})"
    if question.kind == QuestionKind.RATING:
        return f"{number} of 10"
    if question.kind == QuestionKind.YES_NO:
        return "no" if number == 0 else "yes"
    return str(number)


def _flag_pair_at_risk(*, invitation: Invitation, answers: dict[int, AnswerValue]) -> None:
    """Raise PairFlags for a low pairing score or a request for a new mentor, at once."""
    questions = {
        q.pk: q
        for q in Question.objects.filter(
            survey_id=invitation.survey_id, measure__in=[Measure.PAIRING_SATISFACTION, Measure.WANTS_NEW_MENTOR]
        )
    }
    reasons: list[tuple[str, str]] = []
    for qid, question in questions.items():
        answer = answers.get(qid)
        if answer is None:
            continue
        if question.measure == Measure.PAIRING_SATISFACTION and question.is_low_score(answer.number):
            reasons.append((PairFlag.Reason.LOW_SCORE, f"{question.text} Answered {_on_its_scale(question, answer.number)}."))
        elif question.measure == Measure.WANTS_NEW_MENTOR and answer.number == 1:
            reasons.append((PairFlag.Reason.REMATCH, question.text))
    if not reasons:
        return
    if invitation.mentorship_id is not None:
        pair_ids = [invitation.mentorship_id]
    else:
        pair_ids = list(
            Mentorship.objects.for_person(invitation.person)
            .filter(cycle_id=invitation.survey.cycle_id, status=Mentorship.Status.ACTIVE)
            .values_list("pk", flat=True)
        )
    who = f"{invitation.person.full_name} ({invitation.role})" if invitation.role else invitation.person.full_name
    flags = [
        PairFlag(mentorship_id=pair_id, reason=reason, detail=f"{who} in “{invitation.survey.title}”: {detail}"[:300])
        for pair_id in pair_ids
        for reason, detail in reasons
    ]
    # One open flag per reason per pair (a partial unique index): a repeat is simply skipped.
    PairFlag.objects.bulk_create(flags, ignore_conflicts=True)


def drafts_purge(*, now: datetime | None = None) -> int:
    """Delete the drafts of closed surveys; return how many. Safe to run as often as wanted.

    A draft is kept by invitation, so for an anonymous survey it is the one place where unsent
    answers sit next to a person. Once the survey has closed it can never be submitted.
    """
    today = timezone.localdate(now) if now else timezone.localdate()
    deleted, _ = Draft.objects.filter(invitation__survey__closes_on__lt=today).delete()
    return deleted
