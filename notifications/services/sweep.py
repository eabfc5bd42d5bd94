"""The periodic sweep: derive from the database what is due now, claim it, queue it.

Nothing here depends on an earlier run having happened: a reminder whose moment passed while
Redis or the workers were down is still due on the next sweep (late, once), because the claim
row, not the schedule, records what went out. Each rule costs a fixed number of queries per
event or cycle, never per participant.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from common.enqueue import pending_tasks_queue
from notifications import selectors
from notifications.models import Delivery, Kind
from notifications.services.claims import (
    claims_for_people,
    content_type_id,
    deliveries_claim,
    deliveries_queue,
    deliveries_to_queue,
)
from programs.models import Cycle, Event, Program

logger = logging.getLogger("notifications.sweep")


@dataclass
class SweepResult:
    claimed: dict[str, int] = field(default_factory=dict)
    queued: int = 0
    tasks_caught_up: int = 0

    def __str__(self) -> str:
        parts = ", ".join(f"{k}={v}" for k, v in sorted(self.claimed.items()))
        return f"claimed: {parts or 'none'}; queued {self.queued}; tasks caught up {self.tasks_caught_up}"


def invitation_due(event: Event) -> date:
    """An invitation is keyed to the day the event was scheduled: one per person per event."""
    return timezone.localdate(event.created_at)


def _claim_people(people, *, kind: str, obj, due: date, variant: str = "") -> int:
    people = selectors.not_claimed(
        people, kind=kind, content_type_id=content_type_id(obj), object_id=obj.pk, due=due, variant=variant
    )
    return deliveries_claim(
        rows=claims_for_people(people.values_list("pk", "email"), kind=kind, obj=obj, due=due, variant=variant)
    )


def event_invitations_claim(*, now: datetime) -> int:
    """Everyone in the audience of an event starting within REMINDER_INVITATION_LEAD_DAYS who has
    neither been invited nor answered. Covers people approved after the event was scheduled, the
    milestone events a new cycle creates months ahead (invited when they come near, not all on
    the day of approval), and invitations lost to an outage."""
    today = timezone.localdate(now)
    total = 0
    horizon = now + timedelta(days=settings.REMINDER_INVITATION_LEAD_DAYS)
    for event in Event.objects.filter(cancelled_at__isnull=True, starts_at__gt=now, starts_at__lte=horizon):
        total += _claim_people(
            selectors.event_invitees(event, today=today),
            kind=Kind.EVENT_INVITATION,
            obj=event,
            due=invitation_due(event),
        )
    return total


REMINDER_STEPS = ((Kind.EVENT_REMINDER_WEEK, 7, 1), (Kind.EVENT_REMINDER_DAY, 1, 0))


def event_reminders_claim(*, now: datetime) -> int:
    """7 days and 1 day before, to those going or not yet answered. A reminder whose moment came
    before the event was scheduled is skipped: the invitation said it all. Once the 1-day moment
    has come, the 7-day reminder is no longer sent late."""
    today = timezone.localdate(now)
    total = 0
    upcoming = Event.objects.filter(
        cancelled_at__isnull=True, starts_at__gt=now, starts_at__lte=now + timedelta(days=7)
    )
    for event in upcoming:
        for kind, days_before, until_days_before in REMINDER_STEPS:
            moment = event.starts_at - timedelta(days=days_before)
            if not (moment <= now < event.starts_at - timedelta(days=until_days_before)):
                continue
            if event.created_at > moment:
                continue
            people = selectors.event_reminder_audience(event, today=today).filter(receives_nudges=True)
            # Someone invited after the reminder moment (approved late) has just read the details.
            invited_since = Delivery.objects.filter(
                kind=Kind.EVENT_INVITATION,
                content_type_id=content_type_id(event),
                object_id=event.pk,
                email=OuterRef("email"),
                created_at__gt=moment,
            )
            people = people.exclude(Exists(invited_since))
            total += _claim_people(people, kind=kind, obj=event, due=timezone.localdate(moment))
    return total


def applications_claim(*, now: datetime) -> int:
    """The window opening, and closing in N days, to those who may apply and have not."""
    today = timezone.localdate(now)
    days = settings.REMINDER_APPLICATIONS_CLOSING_DAYS
    total = 0
    for cycle in Cycle.objects.accepting_applications(today).select_related("program"):
        audience = selectors.application_audience(cycle).filter(receives_nudges=True)
        closing_due = cycle.applications_close_on - timedelta(days=days)
        closing_applies = closing_due >= cycle.applications_open_on
        if closing_applies and today >= closing_due:
            total += _claim_people(audience, kind=Kind.APPLICATIONS_CLOSING, obj=cycle, due=closing_due)
        else:  # once the closing reminder is due it covers the opening notice too
            total += _claim_people(audience, kind=Kind.APPLICATIONS_OPEN, obj=cycle, due=cycle.applications_open_on)
    return total


def choice_deadlines_claim(*, now: datetime) -> int:
    """Where mentees choose their mentor: N days before the deadline, to mentees still unpaired."""
    today = timezone.localdate(now)
    days = settings.REMINDER_CHOICE_DEADLINE_DAYS
    total = 0
    cycles = Cycle.objects.filter(
        mentee_choice=True, choice_deadline__gte=today, choice_deadline__lte=today + timedelta(days=days)
    )
    for cycle in cycles:
        people = selectors.mentees_yet_to_choose(cycle).filter(receives_nudges=True)
        total += _claim_people(
            people, kind=Kind.CHOICE_DEADLINE, obj=cycle, due=cycle.choice_deadline - timedelta(days=days)
        )
    return total


def meeting_nudges_claim(*, now: datetime) -> int:
    """The mentor schedules meetings, so the mentor hears first, the day the pair turns at risk
    (PAIR_AT_RISK_WEEKS of silence, programs.selectors.health); the mentee gets a gentle note
    at REMINDER_MENTEE_NUDGE_WEEKS. One of each per
    silence: the due date is the day the silence crossed the line."""
    from programs.models import Mentorship

    today = timezone.localdate(now)
    mentor_weeks = timedelta(weeks=settings.PAIR_AT_RISK_WEEKS)
    mentee_weeks = timedelta(weeks=settings.REMINDER_MENTEE_NUDGE_WEEKS)
    ct = content_type_id(Mentorship)
    rows: list[Delivery] = []
    pairs = selectors.pairs_with_last_meeting(now=now).values_list(
        "pk",
        "last_met",
        "counts_from",
        "mentor_id",
        "mentor__email",
        "mentor__receives_nudges",
        "mentee_id",
        "mentee__email",
        "mentee__receives_nudges",
    )
    for pk, last_met, counts_from, mentor_id, mentor_email, mentor_ok, mentee_id, mentee_email, mentee_ok in pairs:
        start = selectors.lapse_start(last_met=last_met, counts_from=counts_from)
        for person_id, email, ok, kind, after in (
            (mentor_id, mentor_email, mentor_ok, Kind.MEETING_NUDGE_MENTOR, mentor_weeks),
            (mentee_id, mentee_email, mentee_ok, Kind.MEETING_NUDGE_MENTEE, mentee_weeks),
        ):
            if ok and start + after <= today:
                rows.append(
                    Delivery(
                        email=email.lower(),
                        person_id=person_id,
                        kind=kind,
                        content_type_id=ct,
                        object_id=pk,
                        due=start + after,
                    )
                )
    return deliveries_claim(rows=rows)


def digest_due(*, now: datetime) -> date:
    """The latest weekly digest moment at or before now (REMINDER_DIGEST_WEEKDAY/HOUR, local)."""
    local = timezone.localtime(now)
    day = local.date() - timedelta(days=(local.isoweekday() - settings.REMINDER_DIGEST_WEEKDAY) % 7)
    moment = timezone.make_aware(datetime.combine(day, time(settings.REMINDER_DIGEST_HOUR)))
    return day if moment <= now else day - timedelta(days=7)


def coordinator_digests_claim(*, now: datetime) -> int:
    """One digest a week to each coordinator of a program with a cycle that is not over."""
    User = get_user_model()
    today = timezone.localdate(now)
    due = digest_due(now=now)
    live_programs = Program.objects.filter(Exists(Cycle.objects.filter(program=OuterRef("pk"), ends_on__gte=today)))
    coordinators = User.objects.filter(
        is_active=True, is_coordinator=True, coordinated_programs__in=live_programs
    ).distinct()
    ct = content_type_id(User)
    already = set(
        Delivery.objects.filter(kind=Kind.COORDINATOR_DIGEST, content_type_id=ct, due=due).values_list(
            "object_id", flat=True
        )
    )
    rows = [
        Delivery(
            email=email.lower(),
            user_id=pk,
            person_id=person_id,
            kind=Kind.COORDINATOR_DIGEST,
            content_type_id=ct,
            object_id=pk,
            due=due,
        )
        for pk, email, person_id in coordinators.values_list("pk", "email", "person__id")
        if pk not in already and email
    ]
    return deliveries_claim(rows=rows)


def sweep(*, now: datetime | None = None, queue: bool = True) -> SweepResult:
    """Claim everything due now, then queue every pending delivery (new or left behind) and every
    task a request could not queue (a survey's invitations, an export, a roster apply, a match
    run or its publishing: common.PendingTask)."""
    from notifications.services.surveys import surveys_claim

    now = now or timezone.now()
    result = SweepResult()
    rules = {
        "event_invitations": event_invitations_claim,
        "event_reminders": event_reminders_claim,
        "applications": applications_claim,
        "choice_deadlines": choice_deadlines_claim,
        "meeting_nudges": meeting_nudges_claim,
        "surveys": surveys_claim,
        "coordinator_digests": coordinator_digests_claim,
    }
    for name, rule in rules.items():
        # One transaction per rule: deciding and claiming commit together, and a failing rule
        # does not hold back the others.
        try:
            with transaction.atomic():
                result.claimed[name] = rule(now=now)
        except Exception:
            logger.exception("Reminder rule %s failed; the other rules ran.", name)
            result.claimed[name] = -1
    if queue:
        try:
            result.tasks_caught_up = pending_tasks_queue(now=now)
        except Exception:
            logger.exception("Catching up pending tasks failed; deliveries are still queued.")
        result.queued = deliveries_queue(ids=deliveries_to_queue(now=now), now=now)
    return result
