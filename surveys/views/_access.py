"""The one place that decides which survey objects a request may touch (404 otherwise)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from programs.selectors.access import coordinated_cycles, coordinated_programs
from surveys.models import Question, Survey, SurveyTemplate
from surveys.selectors import editable_templates, visible_templates


def survey_for_coordinator(request: HttpRequest, pk: int) -> Survey:
    qs = Survey.objects.filter(cycle__in=coordinated_cycles(request.user)).select_related("cycle__program", "event")
    return get_object_or_404(qs, pk=pk)


def template_for_coordinator(request: HttpRequest, pk: int, *, edit: bool = False) -> SurveyTemplate:
    qs = editable_templates(request.user) if edit else visible_templates(request.user)
    return get_object_or_404(qs, pk=pk)


def question_for_coordinator(request: HttpRequest, pk: int) -> Question:
    """A question of a template the user's programs own, or of a survey in a cycle they run."""
    qs = Question.objects.filter(
        template__program__in=coordinated_programs(request.user)
    ) | Question.objects.filter(survey__cycle__in=coordinated_cycles(request.user))
    return get_object_or_404(qs.select_related("template", "survey__cycle"), pk=pk)
