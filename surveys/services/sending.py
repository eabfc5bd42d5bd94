"""Opening surveys (creating invitations) and mailing the invitations.

Both steps are idempotent, so the reminders sweep in notifications/ may call them as often as it
likes: `survey_open` relies on the unique (survey, person[, pair]) constraints of Invitation and
INSERT ... ON CONFLICT DO NOTHING, and records each invitation's e-mail in the delivery ledger
(common.mail) in the same transaction. A worker mails it after commit: no SMTP call here, none
under a row lock. The ledger's once-only key (address, invitation, the day it was created) makes
asking again harmless; `sent_at` is set when the worker marks the mail sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from circles.models import CircleMember
from common.mail import Mail, mail_queue
from programs.models import RSVP, Enrollment, Mentorship
from surveys import tokens
from surveys.models import Audience, Invitation, Survey

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000


class SurveyClosed(ValidationError):
    def __init__(self) -> None:
        super().__init__("This survey has closed; it can no longer be opened.")


def audience_rows(survey: Survey) -> Iterator[tuple[int, int | None, str]]:
    """(person id, pair id or None, role) for everyone the survey asks, from a few queries."""
    audience = survey.audience
    if audience in (Audience.MENTORS, Audience.MENTEES, Audience.BOTH):
        roles = {
            Audience.MENTORS: [Enrollment.Role.MENTOR],
            Audience.MENTEES: [Enrollment.Role.MENTEE],
            Audience.BOTH: [Enrollment.Role.MENTOR, Enrollment.Role.MENTEE],
        }[audience]
        rows = (
            Enrollment.objects.filter(
                cycle_id=survey.cycle_id,
                status=Enrollment.Status.APPROVED,
                role__in=roles,
                person__separated_on__isnull=True,
            )
            .order_by("pk")
            .values_list("person_id", "role")
        )
        for person_id, role in rows.iterator(chunk_size=BATCH_SIZE):
            yield person_id, None, role
    elif audience == Audience.CIRCLE_MEMBERS:
        # Everyone seated in a circle of the cycle now (mentors and mentees), once each, still employed.
        rows = (
            CircleMember.objects.filter(
                circle__cycle_id=survey.cycle_id, left_on__isnull=True, person__separated_on__isnull=True
            )
            .order_by("person_id", "role", "pk")
            .values_list("person_id", "role")
        )
        seen: set[int] = set()
        for person_id, role in rows.iterator(chunk_size=BATCH_SIZE):
            if person_id not in seen:
                seen.add(person_id)
                yield person_id, None, role
    elif audience == Audience.EVENT_ATTENDEES:
        if survey.event_id is None:
            return
        # Attendance taken at the event wins; where it was not taken, those who said they'd go.
        rows = (
            RSVP.objects.filter(event_id=survey.event_id, person__separated_on__isnull=True)
            .filter(Q(attended=True) | Q(attended__isnull=True, status=RSVP.Status.GOING))
            .order_by("pk")
            .values_list("person_id", flat=True)
        )
        for person_id in rows.iterator(chunk_size=BATCH_SIZE):
            yield person_id, None, "attendee"
    else:
        pairs = (
            Mentorship.objects.filter(cycle_id=survey.cycle_id)
            .exclude(status=Mentorship.Status.ENDED)
            .order_by("pk")
            .values_list("pk", "mentor_id", "mentee_id")
        )
        for pair_id, mentor_id, mentee_id in pairs.iterator(chunk_size=BATCH_SIZE):
            if audience in (Audience.PAIR_MEMBERS, Audience.PAIR_MENTEES):
                yield mentee_id, pair_id, "mentee"
            if audience in (Audience.PAIR_MEMBERS, Audience.PAIR_MENTORS):
                yield mentor_id, pair_id, "mentor"


def surveys_due(*, now: datetime) -> QuerySet[Survey]:
    """Surveys whose opening day has come, not yet opened and not yet closed.

    The reminders sweep calls `survey_open(survey=s, now=now)` for each. A survey opened by hand
    before its day is no longer due.
    """
    today = timezone.localdate(now)
    return Survey.objects.filter(opened_at__isnull=True, opens_on__lte=today, closes_on__gte=today).order_by("pk")


@transaction.atomic
def survey_open(*, survey: Survey, now: datetime | None = None) -> int:
    """Invite the survey's audience; return how many invitations are new.

    Safe to repeat: people already invited are skipped by the database, so calling it again
    later only adds newcomers (a pair formed since). The e-mails are recorded in the ledger
    with the invitations and go out after commit.
    """
    now = now or timezone.now()
    # The row lock serialises concurrent opens of the same survey, so the count below is exact.
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    today = timezone.localdate(now)
    if today > survey.closes_on:
        raise SurveyClosed()
    existing = set(Invitation.objects.filter(survey=survey).values_list("person_id", "mentorship_id"))
    before = len(existing)
    batch: list[Invitation] = []
    for person_id, pair_id, role in audience_rows(survey):
        if (person_id, pair_id) in existing:
            continue  # already invited: skip the token work; ON CONFLICT below still guards races
        existing.add((person_id, pair_id))
        nonce = tokens.new_nonce()
        batch.append(
            Invitation(
                survey_id=survey.pk,
                person_id=person_id,
                mentorship_id=pair_id,
                role=role,
                nonce=nonce,
                token_hash=tokens.hash_token(tokens.token_for(nonce)),
                created_at=now,
            )
        )
        if len(batch) >= BATCH_SIZE:
            Invitation.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Invitation.objects.bulk_create(batch, ignore_conflicts=True)
    created = Invitation.objects.filter(survey=survey).count() - before
    if survey.opened_at is None:
        survey.opened_at = now
        survey.opens_on = min(survey.opens_on, today)
        survey.save(update_fields=["opened_at", "opens_on"])
    if created:
        invitations_queue(survey_id=survey.pk)
    logger.info("survey opened", extra={"survey_id": survey.pk, "new_invitations": created})
    return created


def unsent_invitation_ids(*, survey_id: int) -> list[int]:
    return list(
        Invitation.objects.filter(survey_id=survey_id, sent_at__isnull=True, used=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _queue(invitations: QuerySet[Invitation]) -> int:
    rows = invitations.filter(sent_at__isnull=True, used=False).values_list(
        "pk", "person_id", "person__email", "created_at", "survey__cycle__program_id"
    )
    return mail_queue(
        *(
            Mail(
                kind="survey_invitation",
                to=email,
                about=Invitation(pk=pk),
                due=timezone.localdate(created_at),
                person_id=person_id,
                program_id=program_id,
            )
            for pk, person_id, email, created_at, program_id in rows.iterator(chunk_size=BATCH_SIZE)
        )
    )


def invitations_queue(*, survey_id: int) -> int:
    """Record the e-mail of every invitation of the survey not mailed yet (one INSERT)."""
    return _queue(Invitation.objects.filter(survey_id=survey_id))


def invitation_send(*, invitation_id: int, now: datetime | None = None) -> bool:
    """Ask for one invitation's e-mail unless it was mailed already or the survey is not open;
    True if it was asked for (the ledger keeps it to one mail whatever the number of asks)."""
    invitation = Invitation.objects.select_related("survey").filter(pk=invitation_id).first()
    if invitation is None or invitation.used or invitation.sent_at is not None:
        return False
    if not invitation.survey.is_open(timezone.localdate(now) if now else None):
        return False
    with transaction.atomic():
        return _queue(Invitation.objects.filter(pk=invitation_id)) == 1
