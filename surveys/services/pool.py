"""The pending pool: anonymous answers wait here, sealed, and reach Response in shuffled batches.

Why a pool: a Response inserted when its invitation is marked used can be tied to it by anyone
with the database (same transaction id, neighbouring row position, matching time). Here the
answers are written in a transaction of their own, sealed, with a random key and no time; they
are released by another transaction that moves a random subset of the waiting answers, in
random order, under new random keys, dated with the week of release. Every Response therefore
shares its xmin, its week and its neighbourhood on disk with the rest of its batch.

Release rule: once POOL_RELEASE_AT answers are waiting, all but POOL_KEEP (chosen at random) are
released, so a batch is never smaller than five and the newest answer is as likely to wait as
any other. When the survey has closed, everything waiting is released (surveys.tasks.release_pools,
run by beat, and whenever someone looks at the results).
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from profiles.models import Department
from surveys.anonymity.coarsening import Scheme, scheme_for
from surveys.anonymity.sealing import seal, unseal
from surveys.forms import AnswerValue
from surveys.models import Answer, Invitation, PendingSubmission, Question, Response, Survey

_rng = random.SystemRandom()


def _release_at() -> int:
    return int(getattr(settings, "SURVEY_POOL_RELEASE_AT", 10))


def _keep() -> int:
    return int(getattr(settings, "SURVEY_POOL_KEEP", 5))


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def pending_add(*, survey: Survey, role: str, department_id: int | None, answers: dict[int, AnswerValue]) -> None:
    """Seal one anonymous submission into the pool. Its own transaction: it touches nothing else."""
    payload = {
        "role": role,
        "department_id": department_id,
        "answers": {str(qid): [a.number, a.text, a.options] for qid, a in answers.items()},
    }
    PendingSubmission.objects.create(id=uuid.uuid4(), survey=survey, sealed=seal(payload))


def pending_counts(*, survey_ids: list[int]) -> dict[int, int]:
    """Answers waiting per survey: coordinators see them counted, not what or whose they are."""
    rows = PendingSubmission.objects.filter(survey_id__in=survey_ids).values_list("survey_id").annotate(n=Count("pk"))
    return dict(rows.values_list("survey_id", "n"))


def breakdown_scheme(*, survey: Survey) -> Scheme:
    invitees = Invitation.objects.filter(survey=survey).values_list("person_id", "role", "person__department_id")
    return scheme_for(invitees)


def pool_release(*, survey_id: int, today: date | None = None) -> int:
    """Release what the rule allows for this survey; return how many Responses were made."""
    today = today or timezone.localdate()
    closed = Survey.objects.filter(pk=survey_id, closes_on__lt=today).exists()
    if not closed and PendingSubmission.objects.filter(survey_id=survey_id).count() < _release_at():
        return 0  # the common case after a submit: one count, no lock, no transaction
    with transaction.atomic():
        # The survey row lock makes releases of one survey take turns; submits never wait on it.
        survey = Survey.objects.select_for_update().get(pk=survey_id)
        waiting = list(PendingSubmission.objects.select_for_update().filter(survey=survey))
        if today > survey.closes_on:
            chosen = waiting
        elif len(waiting) >= _release_at():
            chosen = _rng.sample(waiting, len(waiting) - _keep())
        else:
            return 0
        if not chosen:
            return 0
        _rng.shuffle(chosen)
        scheme = breakdown_scheme(survey=survey)
        questions = set(Question.objects.filter(survey=survey).values_list("pk", flat=True))
        departments = set(Department.objects.values_list("pk", flat=True))
        week = week_of(today)
        responses: list[Response] = []
        answers: list[Answer] = []
        for pending in chosen:
            data = unseal(pending.sealed)
            department_id = data["department_id"] if data["department_id"] in departments else None
            role, department_id = scheme.apply(data["role"], department_id)
            response = Response(
                id=uuid.uuid4(), survey=survey, anonymous=True, role=role, department_id=department_id, submitted_on=week
            )
            responses.append(response)
            answers.extend(
                Answer(response=response, question_id=int(qid), number=number, text=text, options=options)
                for qid, (number, text, options) in data["answers"].items()
                if int(qid) in questions
            )
        Response.objects.bulk_create(responses)
        Answer.objects.bulk_create(answers)
        PendingSubmission.objects.filter(pk__in=[p.pk for p in chosen]).delete()
        return len(responses)


def pools_release_due(*, today: date | None = None) -> int:
    """Release every pool the rule allows now (closed surveys: everything). For beat."""
    today = today or timezone.localdate()
    released = 0
    for survey_id in PendingSubmission.objects.values_list("survey_id", flat=True).distinct().order_by("survey_id"):
        released += pool_release(survey_id=survey_id, today=today)
    return released
