"""Surveys: opening them on their day, catching up invitations that never left, reminders until
answered or closed (at most REMINDER_SURVEY_MAX_REMINDERS, every REMINDER_SURVEY_INTERVAL_DAYS),
and the response figures of the coordinator digest.

The surveys app owns the survey and its invitations and records each invitation's e-mail in the
ledger when it opens the survey; this module opens surveys on their day, catches up invitations
that have no e-mail recorded, and renders the e-mails (notifications/emails.py). Reminders are
ours: each is a Delivery claim on the Invitation with the reminder's due date.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, Model, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from notifications.models import Delivery, Kind
from notifications.services.claims import content_type_id, deliveries_claim

logger = logging.getLogger("notifications.surveys")


def surveys_open_due(*, now: datetime) -> int:
    """Open every survey whose day has come (invitations are created and mailed by surveys)."""
    from surveys.services.sending import survey_open, surveys_due

    opened = 0
    for survey in surveys_due(now=now):
        try:
            with transaction.atomic():
                opened += survey_open(survey=survey, now=now)
        except ValidationError:  # closed in the meantime
            continue
    return opened


def survey_invitations_catch_up(*, now: datetime) -> int:
    """Open surveys with invitations still unmailed a while after they were created (made before
    the ledger, or an e-mail that failed): ask for their e-mails again. The ledger's key keeps an
    invitation whose e-mail is recorded already to that one row."""
    from surveys.models import Survey
    from surveys.services.sending import invitations_queue

    today = timezone.localdate(now)
    before = now - timedelta(minutes=settings.REMINDER_REQUEUE_MINUTES)
    stuck = list(
        Survey.objects.filter(
            opened_at__isnull=False,
            closes_on__gte=today,
            invitations__sent_at__isnull=True,
            invitations__used=False,
            invitations__created_at__lt=before,
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    for survey_id in stuck:
        invitations_queue(survey_id=survey_id)
    return len(stuck)


def survey_reminders_claim(*, now: datetime) -> int:
    """The k-th reminder falls due k intervals after the invitation was mailed, never sooner than
    an interval after the previous reminder (so a catch-up after an outage sends one, not a burst),
    and stops at the configured number, on an answer, or when the survey closes."""
    from surveys.models import Invitation

    today = timezone.localdate(now)
    interval = timedelta(days=settings.REMINDER_SURVEY_INTERVAL_DAYS)
    most = settings.REMINDER_SURVEY_MAX_REMINDERS
    if most <= 0:
        return 0
    ct = content_type_id(Invitation)
    earlier = Delivery.objects.filter(kind=Kind.SURVEY_REMINDER, content_type_id=ct, object_id=OuterRef("pk"))
    invitations = (
        Invitation.objects.filter(
            used=False,
            sent_at__isnull=False,
            survey__opened_at__isnull=False,
            survey__opens_on__lte=today,
            survey__closes_on__gte=today,
            person__receives_nudges=True,
            person__separated_on__isnull=True,
        )
        .annotate(
            reminded=Coalesce(
                Subquery(
                    earlier.order_by().values("object_id").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            last_reminded=Subquery(earlier.order_by("-created_at").values("created_at")[:1]),
        )
        .filter(reminded__lt=most)
        .values_list("pk", "person_id", "person__email", "sent_at", "reminded", "last_reminded")
    )
    rows = []
    for pk, person_id, email, sent_at, reminded, last_reminded in invitations:
        due = timezone.localdate(sent_at) + interval * (reminded + 1)
        if due > today:
            continue
        if last_reminded is not None and timezone.localdate(last_reminded) + interval > today:
            continue
        rows.append(
            Delivery(
                email=email.lower(),
                person_id=person_id,
                kind=Kind.SURVEY_REMINDER,
                content_type_id=ct,
                object_id=pk,
                due=due,
                variant=str(reminded + 1),
            )
        )
    return deliveries_claim(rows=rows)


def surveys_claim(*, now: datetime) -> int:
    opened = surveys_open_due(now=now)
    survey_invitations_catch_up(now=now)
    return opened + survey_reminders_claim(now=now)


def survey_still_due(delivery: Delivery, obj: Model, *, now: datetime) -> str:
    if obj.used:
        return "answered"
    if not obj.survey.is_open(timezone.localdate(now)):
        return "survey closed"
    return ""


def low_response_surveys(*, program_ids: list[int], now: datetime) -> dict[int, list[dict]]:
    """Per program: surveys open for at least one reminder interval, or closed in the last week,
    where fewer than REMINDER_DIGEST_LOW_RESPONSE of those invited have answered."""
    from surveys.models import Survey

    today = timezone.localdate(now)
    settled = now - timedelta(days=settings.REMINDER_SURVEY_INTERVAL_DAYS)
    surveys = (
        Survey.objects.filter(
            cycle__program_id__in=program_ids,
            opened_at__isnull=False,
            opened_at__lte=settled,
            closes_on__gte=today - timedelta(days=7),
        )
        .annotate(
            invited=Count("invitations"),
            answered=Count("invitations", filter=Q(invitations__used=True)),
        )
        .values_list("cycle__program_id", "title", "invited", "answered", "closes_on")
        .order_by("closes_on")
    )
    low: dict[int, list[dict]] = {}
    for program_id, title, invited, answered, closes_on in surveys:
        if invited and answered / invited < settings.REMINDER_DIGEST_LOW_RESPONSE:
            low.setdefault(program_id, []).append(
                {"title": title, "invited": invited, "answered": answered, "closes_on": closes_on}
            )
    return low
