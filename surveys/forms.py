"""Forms: the answer form built from a survey's questions, and the coordinators' builder forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import QuerySet

from programs.models import Cycle, Event
from surveys.models import (
    CHOICE_KINDS,
    LIKERT_LABELS,
    NUMERIC_KINDS,
    Audience,
    Measure,
    Question,
    QuestionKind,
    Survey,
    SurveyTemplate,
)

TEXT_MAX_LENGTH = 4000


@dataclass(frozen=True)
class AnswerValue:
    number: int | None = None
    text: str = ""
    options: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.number is None and not self.text and not self.options


# --- Answering -----------------------------------------------------------------------------


def _field_for(question: Question) -> forms.Field:
    common: dict[str, Any] = {"label": question.text, "required": question.required, "help_text": question.help_text}
    kind = question.kind
    if kind == QuestionKind.LIKERT:
        return forms.TypedChoiceField(
            choices=[(str(n), label) for n, label in LIKERT_LABELS.items()],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose how much you agree.", "invalid_choice": "Choose one of the five answers."},
            **common,
        )
    if kind == QuestionKind.RATING:
        return forms.TypedChoiceField(
            choices=[(str(n), str(n)) for n in range(11)],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect(attrs={"class": "survey-scale"}),
            error_messages={"required": "Choose a number from 0 to 10.", "invalid_choice": "Choose a number from 0 to 10."},
            **common,
        )
    if kind == QuestionKind.YES_NO:
        return forms.TypedChoiceField(
            choices=[("1", "Yes"), ("0", "No")],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages={"required": "Answer yes or no.", "invalid_choice": "Answer yes or no."},
            **common,
        )
    if kind == QuestionKind.SINGLE:
        return forms.ChoiceField(
            choices=[(c, c) for c in question.choices],
            widget=forms.RadioSelect,
            error_messages={"required": "Choose one option.", "invalid_choice": "Choose one of the options listed."},
            **common,
        )
    if kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in question.choices],
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": "Choose at least one option.",
                "invalid_choice": "Choose only from the options listed.",
            },
            **common,
        )
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
        strip=True,
        error_messages={
            "required": "Write an answer.",
            "max_length": f"Keep the answer under {TEXT_MAX_LENGTH} characters.",
        },
        **common,
    )


class AnswerForm(forms.Form):
    """One field per question, named q<question id>, validated by kind."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            field = _field_for(question)
            css = "form-control" if question.kind == QuestionKind.TEXT else "form-check-input"
            field.widget.attrs["class"] = css
            if question.help_text:
                field.widget.attrs["aria-describedby"] = f"{question.field_name}-help"
            self.fields[question.field_name] = field

    def full_clean(self) -> None:
        super().full_clean()
        # Screen readers announce the message with the field it belongs to.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                described = [f"{name}-error", *attrs.get("aria-describedby", "").split()]
                attrs["aria-describedby"] = " ".join(dict.fromkeys(described))
                attrs["aria-invalid"] = "true"
                if attrs.get("class") == "form-control":
                    attrs["class"] = "form-control is-invalid"

    def answers(self) -> dict[int, AnswerValue]:
        """Cleaned answers by question id; unanswered optional questions are left out."""
        result: dict[int, AnswerValue] = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.field_name)
            if question.kind in NUMERIC_KINDS:
                answer = AnswerValue(number=value)
            elif question.kind == QuestionKind.MULTIPLE:
                answer = AnswerValue(options=list(value or []))
            else:
                answer = AnswerValue(text=value or "")
            if not answer.is_empty:
                result[question.pk] = answer
        return result

    def bound_questions(self) -> list[tuple[Question, forms.BoundField]]:
        return [(q, self[q.field_name]) for q in self.questions]


def draft_from_post(data: Any, questions: list[Question]) -> dict[str, Any]:
    """What the person typed, unvalidated but bounded, so it can be shown back to them."""
    draft: dict[str, Any] = {}
    for question in questions:
        name = question.field_name
        if question.kind == QuestionKind.MULTIPLE:
            values = [v[:300] for v in data.getlist(name)][:50]
            if values:
                draft[name] = values
        else:
            value = data.get(name, "")
            if value:
                draft[name] = value[: TEXT_MAX_LENGTH + 100]
    return draft


# --- Builder ---------------------------------------------------------------------------------


class TemplateForm(forms.ModelForm):
    class Meta:
        model = SurveyTemplate
        fields = ["name", "description", "anonymous", "audience"]


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label="Options",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Single and multiple choice only: one option per line.",
    )

    class Meta:
        model = Question
        fields = ["text", "kind", "help_text", "required", "measure"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.choices:
            self.fields["choices_text"].initial = "\n".join(self.instance.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        options: list[str] = []
        for line in (data.get("choices_text") or "").splitlines():
            line = line.strip()[:200]
            if line and line not in options:
                options.append(line)
        if kind in CHOICE_KINDS:
            if len(options) < 2:
                self.add_error("choices_text", "Give at least two options, one per line.")
        else:
            options = []
        data["choices"] = options
        measure = data.get("measure") or ""
        if measure == Measure.WANTS_NEW_MENTOR and kind != QuestionKind.YES_NO:
            self.add_error("measure", "“Asks for a new mentor” needs a yes / no question.")
        elif measure in (Measure.HELPED_GROW, Measure.PAIRING_SATISFACTION) and kind not in NUMERIC_KINDS:
            self.add_error("measure", "This measure needs an agreement, rating or yes / no question.")
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "kind": data["kind"],
            "help_text": data["help_text"],
            "required": data["required"],
            "measure": data.get("measure") or "",
            "choices": data["choices"],
        }


class SurveyForm(forms.ModelForm):
    """Audience, trigger and dates of a survey in a cycle."""

    cycle = forms.ModelChoiceField(queryset=Cycle.objects.none())

    class Meta:
        model = Survey
        fields = [
            "cycle",
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
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "opens_on": "For a fixed date. Relative triggers work this out.",
            "closes_on": "For a fixed date. Relative triggers close after “open for”.",
        }

    def __init__(self, *args: Any, cycles: QuerySet[Cycle], events: QuerySet[Event], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles.select_related("program")
        self.fields["event"].queryset = events.order_by("starts_at")
        self.fields["opens_on"].required = False
        self.fields["closes_on"].required = False
        if self.instance.pk:
            self.fields["cycle"].disabled = True
            if self.instance.opened_at:
                for name in ("anonymous", "audience", "event"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Fixed once the survey has opened."

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        cycle, event = data.get("cycle"), data.get("event")
        trigger, audience = data.get("trigger"), data.get("audience")
        if event is not None and cycle is not None and event.program_id != cycle.program_id:
            self.add_error("event", "Choose an event of this cycle's program.")
        if audience == Audience.EVENT_ATTENDEES and event is None:
            self.add_error("event", "Choose the event whose attendees are asked.")
        if trigger == Survey.Trigger.EVENT and event is None:
            self.add_error("event", "Choose the event the survey follows.")
        if trigger == Survey.Trigger.MILESTONE and not data.get("milestone"):
            self.add_error("milestone", "Choose the milestone the survey follows.")
        if trigger == Survey.Trigger.DATE:
            opens, closes = data.get("opens_on"), data.get("closes_on")
            if opens is None:
                self.add_error("opens_on", "Give the day the survey opens.")
            if closes is None:
                self.add_error("closes_on", "Give the day the survey closes.")
            if opens and closes and closes < opens:
                self.add_error("closes_on", "The survey must close on or after the day it opens.")
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("cycle", None)
        if data.get("trigger") != Survey.Trigger.DATE:
            # Placeholders; Survey.resolve_dates works the real ones out from the trigger.
            data["opens_on"] = data.get("opens_on") or self.instance.opens_on or _today()
            data["closes_on"] = data.get("closes_on") or self.instance.closes_on or _today()
        return data


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()
