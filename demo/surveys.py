"""Surveys of the demo cycles, built with the surveys app's own services.

The finished cycle has its kickoff, midpoint and end-of-cycle surveys closed with answers; the
running one has a closed kickoff survey, kickoff event feedback, pairing feedback open today
(the demo mentee has not answered yet) and its midpoint and end surveys scheduled; the open
cycle has its kickoff survey scheduled. Answers go through `response_submit`, so anonymity and
the at-risk flags from low pairing scores work exactly as they do for real answers.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from programs.models import Event
from surveys import starter
from surveys.anonymity.coarsening import scheme_for
from surveys.forms import AnswerValue
from surveys.models import Answer, Invitation, Question, QuestionKind, Response, Survey, SurveyTemplate
from surveys.services.answering import response_submit
from surveys.services.building import survey_create_from_template
from surveys.services.pool import week_of
from surveys.services.sending import survey_open

from .builds import ProgramsBuild
from .people import Roster

COMMENTS = (
    "More time for questions at the events, please.",
    "Meeting in person made a real difference.",
    "Hard to find time during budget season.",
    "I would like more structure for the first meeting.",
    "My mentor introduced me to people I would never have met.",
    "A list of suggested topics would help.",
)


def build_surveys(*, rng: random.Random, roster: Roster, programs: ProgramsBuild, today: date) -> dict[str, int]:
    # The starter set comes from a data migration, but a flushed database (a test run, a reset)
    # has lost it; installing the missing templates is idempotent.
    starter.install(SurveyTemplate, Question)
    templates = {t.key: t for t in SurveyTemplate.objects.filter(program__isnull=True, key__isnull=False)}
    coordinator = roster.users["coordinator"]
    past, running, upcoming = programs.past.cycle, programs.running.cycle, programs.upcoming.cycle
    demo_mentee = roster.demo["mentee"].person
    counts = {"surveys": 0, "survey_responses": 0}

    def make(key: str, cycle, **fields) -> Survey | None:
        template = templates.get(key)
        if template is None:
            return None
        counts["surveys"] += 1
        return survey_create_from_template(template=template, cycle=cycle, by=coordinator, **fields)

    def run(survey: Survey | None, share: float, *, answered_by: date | None = None) -> None:
        """Open the survey on its day and answer `share` of its invitations."""
        if survey is None:
            return
        opened = datetime.combine(survey.opens_on, time(9), tzinfo=ZoneInfo(settings.TIME_ZONE))
        survey_open(survey=survey, now=opened)
        # Mark the invitations as mailed long ago, so the send task queued on commit mails no one.
        invitations = list(Invitation.objects.filter(survey=survey).select_related("survey", "person"))
        Invitation.objects.filter(survey=survey).update(sent_at=opened)
        questions = list(survey.questions.all())
        last = min(answered_by or survey.closes_on, survey.closes_on)
        answering = []
        for invitation in invitations:
            if invitation.person_id == demo_mentee.pk and survey.closes_on >= today:
                continue  # left for the demo mentee to answer
            if rng.random() < share:
                day = survey.opens_on + timedelta(days=rng.randint(0, max(0, (last - survey.opens_on).days)))
                answers = {q.pk: a for q in questions if (a := _answer(rng, q)) is not None}
                answering.append((invitation, day, answers))
        if survey.anonymous:
            counts["survey_responses"] += _anonymous_responses(survey, invitations, answering)
            return
        for invitation, day, answers in answering:
            # Named answers go through the service: it raises the pair flags for low scores.
            counts["survey_responses"] += response_submit(invitation=invitation, answers=answers, today=day)

    milestone = Survey.Trigger.MILESTONE
    run(make("kickoff-expectations", past, trigger=milestone, milestone=Survey.Milestone.START, offset_days=-3), 0.7)
    run(make("midpoint-check-in", past, trigger=milestone, milestone=Survey.Milestone.MIDPOINT), 0.6)
    run(make("end-of-cycle-outcomes", past, trigger=milestone, milestone=Survey.Milestone.END), 0.65)

    run(make("kickoff-expectations", running, trigger=milestone, milestone=Survey.Milestone.START, offset_days=-3), 0.7)
    kickoff = programs.running.events[Event.Kind.KICKOFF]
    run(
        make(
            "event-feedback",
            running,
            trigger=Survey.Trigger.EVENT,
            event=kickoff,
            offset_days=1,
            title="Kickoff feedback",
        ),
        0.5,
    )
    pairing = make(
        "pairing-feedback-mentee",
        running,
        trigger=Survey.Trigger.DATE,
        opens_on=today - timedelta(days=12),
        closes_on=today + timedelta(days=9),
    )
    run(pairing, 0.55, answered_by=today)
    make("midpoint-check-in", running, trigger=milestone, milestone=Survey.Milestone.MIDPOINT)
    make("end-of-cycle-outcomes", running, trigger=milestone, milestone=Survey.Milestone.END)
    make("kickoff-expectations", upcoming, trigger=milestone, milestone=Survey.Milestone.START, offset_days=-3)
    return counts


def _anonymous_responses(
    survey: Survey, invitations: list[Invitation], answering: list[tuple[Invitation, date, dict[int, AnswerValue]]]
) -> int:
    """Bulk version of response_submit for anonymous surveys, with the same anonymity rule.

    A response keeps no person, pair, invitation or time (only the week), and its role and
    department only as coarse as keeps every combination at five invitees: the scheme the pool
    applies on release (surveys.anonymity.coarsening). Demo data skips the pool itself.
    """
    scheme = scheme_for((i.person_id, i.role, i.person.department_id) for i in invitations)
    responses, answers = [], []
    for invitation, day, values in answering:
        role, department_id = scheme.apply(invitation.role, invitation.person.department_id)
        response = Response(
            survey=survey, anonymous=True, role=role, department_id=department_id, submitted_on=week_of(day)
        )
        responses.append(response)
        answers += [
            Answer(response=response, question_id=qid, number=v.number, text=v.text, options=v.options)
            for qid, v in values.items()
        ]
    Invitation.objects.filter(pk__in=[i.pk for i, _, _ in answering]).update(used=True)
    Response.objects.bulk_create(responses, batch_size=1000)
    Answer.objects.bulk_create(answers, batch_size=2000)
    return len(responses)


def _answer(rng: random.Random, question) -> AnswerValue | None:
    kind = question.kind
    if kind == QuestionKind.LIKERT:
        # Most pairs work; a few low pairing scores flag their pair for the coordinator.
        weights = (1, 1, 3, 10, 9) if question.measure == "pairing_satisfaction" else (1, 2, 4, 10, 7)
        return AnswerValue(number=rng.choices((1, 2, 3, 4, 5), weights)[0])
    if kind == QuestionKind.RATING:
        return AnswerValue(number=rng.choices(range(11), (1, 0, 1, 1, 1, 2, 4, 8, 10, 7, 5))[0])
    if kind == QuestionKind.YES_NO:
        # "Would you like a new mentor?" is the exception: a few say yes, which flags the pair.
        yes = 0.04 if question.measure == "wants_new_mentor" else 0.85
        return AnswerValue(number=int(rng.random() < yes))
    if kind == QuestionKind.SINGLE and question.choices:
        return AnswerValue(text=rng.choice(question.choices))
    if kind == QuestionKind.MULTIPLE and question.choices:
        return AnswerValue(options=rng.sample(question.choices, rng.randint(1, min(3, len(question.choices)))))
    if kind == QuestionKind.TEXT and rng.random() < 0.3:
        return AnswerValue(text=rng.choice(COMMENTS))
    if question.required:
        return AnswerValue(text=rng.choice(COMMENTS))
    return None
