"""Building questionnaires: templates, their questions, and surveys copied from them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from audit.services import audit_record
from programs.models import Cycle, Program
from surveys.models import Draft, PendingSubmission, Question, Response, Survey, SurveyTemplate

QUESTION_FIELDS = ("kind", "text", "help_text", "required", "choices", "measure")
SURVEY_FIELDS = (
    "title",
    "description",
    "anonymous",
    "audience",
    "event",
    "trigger",
    "milestone",
    "offset_days",
    "open_days",
    "opens_on",
    "closes_on",
)


class QuestionsLocked(ValidationError):
    """The survey already has answers (or drafts), so its questions are frozen."""

    def __init__(self) -> None:
        super().__init__(
            "People have started answering this survey, so its questions can no longer change. "
            "Copy the template into a new survey instead."
        )


Owner = SurveyTemplate | Survey


def questions_locked(owner: Owner) -> bool:
    if isinstance(owner, SurveyTemplate):
        return False
    return (
        Response.objects.filter(survey=owner).exists()
        or PendingSubmission.objects.filter(survey=owner).exists()
        or Draft.objects.filter(invitation__survey=owner).exists()
    )


def _ensure_editable(owner: Owner) -> None:
    if isinstance(owner, Survey):
        # Lock the survey row so a first answer and a question edit cannot interleave.
        Survey.objects.select_for_update().filter(pk=owner.pk).first()
        if questions_locked(owner):
            raise QuestionsLocked()


def _owner_kwargs(owner: Owner) -> dict[str, Any]:
    return {"survey": owner} if isinstance(owner, Survey) else {"template": owner}


# --- Templates ------------------------------------------------------------------------------


@transaction.atomic
def template_create(
    *, by: Any, program: Program, name: str, description: str = "", anonymous: bool = True, audience: str = "both"
) -> SurveyTemplate:
    template = SurveyTemplate.objects.create(
        program=program, name=name, description=description, anonymous=anonymous, audience=audience, created_by=by
    )
    audit_record(actor=by, action="survey_template.create", target=template, summary=name)
    return template


@transaction.atomic
def template_update(*, template: SurveyTemplate, by: Any, **fields: Any) -> SurveyTemplate:
    for name in ("name", "description", "anonymous", "audience"):
        if name in fields:
            setattr(template, name, fields[name])
    template.save()
    audit_record(actor=by, action="survey_template.update", target=template, summary=template.name)
    return template


@transaction.atomic
def template_duplicate(*, template: SurveyTemplate, program: Program, by: Any, name: str = "") -> SurveyTemplate:
    """A program's own editable copy of a template (typically of a shared starter one)."""
    copy = SurveyTemplate.objects.create(
        program=program,
        name=name or template.name,
        description=template.description,
        anonymous=template.anonymous,
        audience=template.audience,
        created_by=by,
    )
    _copy_questions(list(template.questions.all()), template=copy)
    audit_record(actor=by, action="survey_template.duplicate", target=copy, summary=f"from #{template.pk}")
    return copy


def _copy_questions(questions: list[Question], **owner: Any) -> None:
    Question.objects.bulk_create(
        Question(
            position=index,
            kind=q.kind,
            text=q.text,
            help_text=q.help_text,
            required=q.required,
            choices=list(q.choices),
            measure=q.measure,
            **owner,
        )
        for index, q in enumerate(questions, start=1)
    )


# --- Questions (of a template, or of a survey that nobody has answered yet) -------------------


@transaction.atomic
def question_add(*, owner: Owner, by: Any, **fields: Any) -> Question:
    _ensure_editable(owner)
    last = Question.objects.filter(**_owner_kwargs(owner)).aggregate(m=Max("position"))["m"] or 0
    question = Question.objects.create(
        position=last + 1, **_owner_kwargs(owner), **{k: v for k, v in fields.items() if k in QUESTION_FIELDS}
    )
    audit_record(actor=by, action="survey_question.add", target=owner, summary=question.text)
    return question


@transaction.atomic
def question_update(*, question: Question, by: Any, **fields: Any) -> Question:
    owner = question.survey or question.template
    _ensure_editable(owner)
    for name, value in fields.items():
        if name in QUESTION_FIELDS:
            setattr(question, name, value)
    question.save()
    audit_record(actor=by, action="survey_question.update", target=owner, summary=question.text)
    return question


@transaction.atomic
def question_delete(*, question: Question, by: Any) -> None:
    owner = question.survey or question.template
    _ensure_editable(owner)
    text = question.text
    question.delete()
    _renumber(owner)
    audit_record(actor=by, action="survey_question.delete", target=owner, summary=text)


@transaction.atomic
def question_move(*, question: Question, by: Any, up: bool) -> None:
    """Swap the question with its neighbour above (up) or below."""
    owner = question.survey or question.template
    _ensure_editable(owner)
    questions = list(Question.objects.filter(**_owner_kwargs(owner)).order_by("position", "pk"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    for position, q in enumerate(questions, start=1):
        q.position = position
    Question.objects.bulk_update(questions, ["position"])


def _renumber(owner: Owner) -> None:
    questions = list(Question.objects.filter(**_owner_kwargs(owner)).order_by("position", "pk"))
    for position, q in enumerate(questions, start=1):
        q.position = position
    Question.objects.bulk_update(questions, ["position"])


# --- Surveys -------------------------------------------------------------------------------


@transaction.atomic
def survey_create_from_template(*, template: SurveyTemplate, cycle: Cycle, by: Any, **fields: Any) -> Survey:
    """Copy a template into a cycle. Later edits of the template never reach this survey."""
    survey = Survey(cycle=cycle, template=template, created_by=by)
    survey.title = template.name
    survey.description = template.description
    survey.anonymous = template.anonymous
    survey.audience = template.audience
    for name, value in fields.items():
        if name in SURVEY_FIELDS:
            setattr(survey, name, value)
    survey.resolve_dates()
    survey.save()
    _copy_questions(list(template.questions.all()), survey=survey)
    audit_record(actor=by, action="survey.create", target=survey, summary=f"{survey.title} in {cycle}")
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, by: Any, **fields: Any) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    frozen = {"anonymous", "audience", "event"} if survey.opened_at else set()
    for name, value in fields.items():
        if name in SURVEY_FIELDS and name not in frozen:
            setattr(survey, name, value)
    survey.resolve_dates()
    survey.save()
    audit_record(actor=by, action="survey.update", target=survey, summary=survey.title)
    return survey
