"""The one definition of a pair at risk, used by Coordinate, the cycle's pairs list, the
dashboard, help and flags, the meeting nudges and the coordinator's digest.

An active pair is at risk when it has an open flag (a help or rematch request, a low pairing
score, a coordinator's own flag), or when it is quiet: no meeting held, or booked, since
PAIR_AT_RISK_WEEKS ago. Silence counts from the latest meeting held or scheduled so far, or, for a
pair that never met, from the later of its start and its cycle's start; a meeting booked ahead
means the pair is doing its part. The same rule is written once in SQL (`at_risk_q`, for counts
and filters) and once over one row (`lapse_start`/`is_quiet`, for the nudges' due dates); the
test in programs/tests/test_pair_health.py builds pairs on each side of the line and checks that
every place agrees.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone

from programs.models import Meeting, Mentorship, PairFlag

# Meetings that count as contact: held, or scheduled (a past one not yet logged is presumed held).
CONTACT = (Meeting.Status.HELD, Meeting.Status.SCHEDULED)


def at_risk_weeks() -> int:
    return settings.PAIR_AT_RISK_WEEKS


def quiet_cutoff(today: date, weeks: int | None = None) -> date:
    """A pair whose silence started on or before this day is quiet today."""
    return today - timedelta(weeks=at_risk_weeks() if weeks is None else weeks)


def lapse_start(*, last_met: datetime | None, counts_from: date) -> date:
    """The day a pair's silence is counted from: its latest meeting, or when it could first meet."""
    if last_met is None:
        return counts_from
    return max(timezone.localdate(last_met), counts_from)


def is_quiet(start: date, *, today: date, weeks: int | None = None) -> bool:
    return start <= quiet_cutoff(today, weeks)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def quiet_q(*, now: datetime, weeks: int | None = None) -> Q:
    """On Mentorship: no contact since the cutoff (counting a meeting booked ahead as contact)."""
    cutoff = quiet_cutoff(timezone.localdate(now), weeks)
    contact_since = Meeting.objects.filter(
        mentorship=OuterRef("pk"), status__in=CONTACT, scheduled_at__gte=_start_of(cutoff + timedelta(days=1))
    )
    return Q(started_on__lte=cutoff, cycle__starts_on__lte=cutoff) & ~Q(Exists(contact_since))


def open_flag_q() -> Q:
    return Q(Exists(PairFlag.objects.filter(mentorship=OuterRef("pk"), resolved_at__isnull=True)))


def at_risk_q(*, now: datetime | None = None) -> Q:
    """On Mentorship: the pair is at risk now. Usable in a subquery (Coordinate's counts)."""
    now = now or timezone.now()
    return Q(status=Mentorship.Status.ACTIVE) & (open_flag_q() | quiet_q(now=now))


def with_risk(pairs: QuerySet[Mentorship], *, now: datetime | None = None) -> QuerySet[Mentorship]:
    """Annotate what `risk_reasons` needs: at_risk, risk_quiet, risk_last_met, risk_counts_from
    and one flag_<reason> boolean per flag reason. One query, however many pairs."""
    now = now or timezone.now()
    flags = {
        f"flag_{reason}": Exists(
            PairFlag.objects.filter(mentorship=OuterRef("pk"), reason=reason, resolved_at__isnull=True)
        )
        for reason in PairFlag.Reason.values
    }
    return pairs.annotate(
        at_risk=ExpressionWrapper(at_risk_q(now=now), output_field=BooleanField()),
        risk_quiet=ExpressionWrapper(
            Q(status=Mentorship.Status.ACTIVE) & quiet_q(now=now), output_field=BooleanField()
        ),
        risk_last_met=Subquery(
            Meeting.objects.filter(mentorship=OuterRef("pk"), status__in=CONTACT, scheduled_at__lte=now)
            .order_by("-scheduled_at")
            .values("scheduled_at")[:1]
        ),
        risk_counts_from=Greatest("started_on", "cycle__starts_on"),
        **flags,
    )


def risk_reasons(pair: Mentorship, *, today: date | None = None) -> list[str]:
    """Why a pair annotated by `with_risk` is at risk, in words ([] when it is not)."""
    if not getattr(pair, "at_risk", False):
        return []
    today = today or timezone.localdate()
    reasons = []
    if pair.risk_quiet:
        start = lapse_start(last_met=pair.risk_last_met, counts_from=pair.risk_counts_from)
        weeks = (today - start).days // 7
        if pair.risk_last_met is None:
            reasons.append(f"No meeting since the start, {weeks} weeks ago")
        else:
            reasons.append(f"No meeting for {weeks} weeks (at risk after {at_risk_weeks()})")
    for reason, label in PairFlag.Reason.choices:
        if reason == PairFlag.Reason.NO_MEETINGS and pair.risk_quiet:
            continue  # already said, with the figure
        if getattr(pair, f"flag_{reason}", False):
            reasons.append(f"Flagged: {label.lower()}" if reason == PairFlag.Reason.NO_MEETINGS else label)
    return reasons
