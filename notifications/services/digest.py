"""The coordinator's weekly digest: pairs at risk, applications waiting, low survey response."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from programs.models import Cycle, Enrollment, Mentorship, PairFlag, Program
from programs.selectors import health
from programs.selectors.access import coordinated_programs


@dataclass
class ProgramDigest:
    program: Program
    open_flags: int = 0
    at_risk_pairs: int = 0
    silent_pairs: int = 0
    at_risk_weeks: int = field(default_factory=health.at_risk_weeks)
    flagged: list[PairFlag] = field(default_factory=list)
    applications_waiting: int = 0
    low_response: list[dict] = field(default_factory=list)

    @property
    def is_quiet(self) -> bool:
        return not (self.open_flags or self.at_risk_pairs or self.applications_waiting or self.low_response)


def digest_for(*, user, now: datetime) -> list[ProgramDigest]:
    """One entry per program the user coordinates that has a cycle not yet over.
    A fixed number of queries whatever the number of pairs or applicants."""
    from notifications.services.surveys import low_response_surveys

    today = timezone.localdate(now)
    live_cycles = Cycle.objects.filter(ends_on__gte=today)
    programs = list(
        coordinated_programs(user)
        .filter(cycles__in=live_cycles)
        .distinct()
        .annotate(
            open_flags=Count(
                "cycles__mentorships__flags",
                filter=Q(cycles__mentorships__flags__resolved_at__isnull=True, cycles__ends_on__gte=today),
                distinct=True,
            ),
            applications_waiting=Count(
                "cycles__enrollments",
                filter=Q(cycles__enrollments__status=Enrollment.Status.PENDING, cycles__ends_on__gte=today),
                distinct=True,
            ),
        )
    )
    ids = [p.pk for p in programs]
    # Pairs at risk by the one definition (programs.selectors.health), and how many of them are quiet.
    risk = {
        row["cycle__program_id"]: row
        for row in Mentorship.objects.filter(cycle__program_id__in=ids, cycle__ends_on__gte=today)
        .filter(health.at_risk_q(now=now))
        .values("cycle__program_id")
        .annotate(n=Count("pk"), quiet=Count("pk", filter=health.quiet_q(now=now)))
        .order_by()
    }
    flags: dict[int, list[PairFlag]] = {}
    open_flags = (
        PairFlag.objects.filter(
            resolved_at__isnull=True, mentorship__cycle__program_id__in=ids, mentorship__cycle__ends_on__gte=today
        )
        .select_related("mentorship__mentor", "mentorship__mentee", "mentorship__cycle")
        .order_by("raised_at")
    )
    for flag in open_flags[:200]:
        flags.setdefault(flag.mentorship.cycle.program_id, []).append(flag)
    low = low_response_surveys(program_ids=ids, now=now)
    return [
        ProgramDigest(
            program=p,
            open_flags=p.open_flags,
            at_risk_pairs=risk.get(p.pk, {}).get("n", 0),
            silent_pairs=risk.get(p.pk, {}).get("quiet", 0),
            flagged=flags.get(p.pk, [])[:10],
            applications_waiting=p.applications_waiting,
            low_response=low.get(p.pk, []),
        )
        for p in programs
    ]
