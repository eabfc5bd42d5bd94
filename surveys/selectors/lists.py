"""Lists for pages: each is one query (plus prefetches), whatever the number of rows."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from profiles.models import Person
from programs.selectors.access import coordinated_cycles, coordinated_programs
from surveys.models import Invitation, PendingSubmission, Response, Survey, SurveyTemplate
from surveys.tokens import hash_token


def _count(qs: QuerySet, field: str = "survey") -> Any:
    counted = qs.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def coordinator_surveys(user: Any, *, cycle_id: int | None = None) -> QuerySet[Survey]:
    """Surveys of the cycles this user coordinates, with invited and responded counts.

    `responded` counts every submission; `waiting` is the part of it still in the pending pool
    (anonymous answers not yet released into the results).
    """
    surveys = Survey.objects.filter(cycle__in=coordinated_cycles(user))
    if cycle_id is not None:
        surveys = surveys.filter(cycle_id=cycle_id)
    return (
        surveys.select_related("cycle__program", "event")
        .annotate(
            invited=_count(Invitation.objects.all()),
            released=_count(Response.objects.all()),
            waiting=_count(PendingSubmission.objects.all()),
        )
        .annotate(responded=F("released") + F("waiting"))
        .order_by("cycle__program__name", "-cycle__starts_on", "opens_on", "pk")
    )


def visible_templates(user: Any) -> QuerySet[SurveyTemplate]:
    """The shared starter set and the templates of programs this user coordinates."""
    return (
        SurveyTemplate.objects.filter(Q(program__isnull=True) | Q(program__in=coordinated_programs(user)))
        .select_related("program")
        .annotate(question_count=Count("questions"))
        .order_by("program__name", "name")
    )


def editable_templates(user: Any) -> QuerySet[SurveyTemplate]:
    return SurveyTemplate.objects.filter(program__in=coordinated_programs(user)).select_related("program")


def my_open_invitations(person: Person | None) -> QuerySet[Invitation]:
    """Invitations the person can still answer: survey opened, not closed, not submitted."""
    if person is None:
        return Invitation.objects.none()
    today = timezone.localdate()
    return (
        Invitation.objects.filter(
            person=person, used=False, survey__opened_at__isnull=False, survey__closes_on__gte=today
        )
        .select_related("survey__cycle__program", "mentorship__mentor", "mentorship__mentee")
        .annotate(has_draft=Count("draft"))
        .order_by("survey__closes_on", "pk")
    )


def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 128:
        return None
    return (
        Invitation.objects.select_related("survey__cycle__program", "person", "mentorship__mentor", "mentorship__mentee")
        .filter(token_hash=hash_token(token))
        .first()
    )
