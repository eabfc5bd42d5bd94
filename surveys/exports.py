"""Exports of survey responses: one row per response, one column per question.

Anonymous surveys export answers and the week of release only: no name, and not even role or
department, because a spreadsheet row can cross them (mentors × a small department) in a way the
results page never does. The visibility policy (common.visibility) decides the rest: with fewer
than five released responses nothing is exported (`allowed` is False), and a question fewer than
five people answered has no column. Likert and rating answers are exported as numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Count, Q

from common import visibility
from common.exports import Export
from surveys.models import Answer, Question, QuestionKind, Response, Survey

CHUNK = 2000


def cell(question: Question, number: int | None, text: str, options: list[str]) -> object:
    if question.kind == QuestionKind.YES_NO:
        return {1: "Yes", 0: "No"}.get(number, "")
    if question.kind in (QuestionKind.LIKERT, QuestionKind.RATING):
        return number if number is not None else ""
    if question.kind == QuestionKind.MULTIPLE:
        return "; ".join(options or [])
    return text


class ResponsesExport(Export):
    title = "survey-responses"

    def __init__(self, survey: Survey) -> None:
        self.survey = survey
        questions = list(Question.objects.filter(survey=survey).order_by("position", "pk"))
        self.allowed = True
        if survey.anonymous:
            self.allowed = visibility.can_show_total(Response.objects.filter(survey=survey).count())
            answered = _answered(questions)
            questions = [q for q in questions if visibility.can_show(answered.get(q.pk, 0))]
        self.questions = questions
        identity = [] if survey.anonymous else ["Name", "E-mail", "Role", "Department", "Pair"]
        first = "Week released" if survey.anonymous else "Submitted on"
        self.columns = [first, *identity, *(q.text for q in self.questions)]
        self.title = f"survey-{survey.pk}-responses"

    def rows(self, **filters: Any) -> Iterator[Sequence[object]]:
        if not self.allowed:
            return
        # Plain tuples in chunks (no model instances): 10,000 responses stay a few queries.
        responses = Response.objects.filter(survey=self.survey)
        if self.survey.anonymous:
            heads = list(responses.order_by("submitted_on", "pk").values_list("pk", "submitted_on"))
        else:
            heads = [
                (pk, on, f"{first} {last}".strip(), email or "", role, department or "", _pair(m1, m2, e1, e2))
                for pk, on, first, last, email, role, department, m1, m2, e1, e2 in responses.order_by(
                    "person__last_name", "person__first_name", "pk"
                ).values_list(
                    "pk",
                    "submitted_on",
                    "person__first_name",
                    "person__last_name",
                    "person__email",
                    "role",
                    "department__name",
                    "mentorship__mentor__first_name",
                    "mentorship__mentor__last_name",
                    "mentorship__mentee__first_name",
                    "mentorship__mentee__last_name",
                )
            ]
        by_id = {q.pk: q for q in self.questions}
        for start in range(0, len(heads), CHUNK):
            chunk = heads[start : start + CHUNK]
            answers: dict[Any, dict[int, tuple]] = defaultdict(dict)
            for response_id, qid, number, text, options in Answer.objects.filter(
                response_id__in=[h[0] for h in chunk]
            ).values_list("response_id", "question_id", "number", "text", "options"):
                answers[response_id][qid] = (number, text, options)
            for head in chunk:
                given = answers.get(head[0], {})
                yield [
                    *head[1:],
                    *(cell(q, *given[q.pk]) if q.pk in given else "" for q in by_id.values()),
                ]


def _answered(questions: list[Question]) -> dict[int, int]:
    """People who answered each question (a blank free text or an empty choice is no answer)."""
    given = Q(number__isnull=False) | ~Q(text="") | ~Q(options=[])
    rows = Answer.objects.filter(question__in=questions).filter(given).values_list("question_id").annotate(n=Count("pk"))
    return dict(rows.values_list("question_id", "n"))


def _pair(mentor_first: str | None, mentor_last: str | None, mentee_first: str | None, mentee_last: str | None) -> str:
    if mentor_first is None and mentee_first is None:
        return ""
    return f"{mentor_first} {mentor_last} → {mentee_first} {mentee_last}"
