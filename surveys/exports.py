"""Exports of survey responses: one row per response, one column per question.

Anonymous surveys export answers and the submit date only: no name, and not even role or
department, because a spreadsheet row can cross them (mentors × a small department) in a way the
results page never does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from common.exports import Export
from surveys.models import Question, Response, Survey
from surveys.selectors.results import answer_display


class ResponsesExport(Export):
    title = "survey-responses"

    def __init__(self, survey: Survey) -> None:
        self.survey = survey
        self.questions = list(Question.objects.filter(survey=survey).order_by("position", "pk"))
        identity = [] if survey.anonymous else ["Name", "E-mail", "Role", "Department", "Pair"]
        self.columns = ["Submitted on", *identity, *(q.text for q in self.questions)]
        self.title = f"survey-{survey.pk}-responses"

    def rows(self, **filters: Any) -> Iterator[Sequence[object]]:
        responses = Response.objects.filter(survey=self.survey).prefetch_related("answers")
        if self.survey.anonymous:
            responses = responses.order_by("submitted_on", "pk")
        else:
            responses = responses.select_related(
                "person", "department", "mentorship__mentor", "mentorship__mentee"
            ).order_by("person__last_name", "person__first_name", "pk")
        for response in responses.iterator(chunk_size=1000):
            answers = {a.question_id: a for a in response.answers.all()}
            cells: list[object] = [response.submitted_on]
            if not self.survey.anonymous:
                pair = response.mentorship
                cells += [
                    response.person.full_name if response.person else "",
                    response.person.email if response.person else "",
                    response.role,
                    response.department.name if response.department else "",
                    f"{pair.mentor} → {pair.mentee}" if pair else "",
                ]
            cells += [answer_display(q, answers.get(q.pk)) for q in self.questions]
            yield cells
