"""Coordinator decisions on applications (enrollments)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from programs import signals
from programs.models import Enrollment, Mentorship

DECISIONS = (Enrollment.Status.APPROVED, Enrollment.Status.WAITLISTED, Enrollment.Status.DECLINED)


@dataclass
class DecisionResult:
    decided: list[Enrollment] = field(default_factory=list)
    unchanged: list[Enrollment] = field(default_factory=list)  # already had that status
    skipped: list[tuple[Enrollment, str]] = field(default_factory=list)  # (enrollment, why)


@transaction.atomic
def enrollments_decide(
    *, enrollments: Iterable[Enrollment], status: str, by: Any, note: str = ""
) -> DecisionResult:
    """Approve, waitlist or decline applications in one go.

    Withdrawn applications are left alone, and so is anyone in an active pair of that cycle
    (waitlisting or declining them would leave a pair nobody approved): end the pair first.
    Every decision sends enrollment_decided once the transaction commits.
    """
    if status not in DECISIONS:
        raise ValidationError("Choose approve, waitlist or decline.")
    ids = [e.pk for e in enrollments]
    locked = list(
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    paired = _people_in_active_pairs(locked) if status != Enrollment.Status.APPROVED else set()
    result = DecisionResult()
    now = timezone.now()
    for enrollment in locked:
        if enrollment.status == Enrollment.Status.WITHDRAWN:
            result.skipped.append((enrollment, "withdrew the application"))
        elif (enrollment.cycle_id, enrollment.person_id, enrollment.role) in paired:
            result.skipped.append((enrollment, "is in an active pair; end the pair first"))
        elif enrollment.status == status:
            result.unchanged.append(enrollment)
        else:
            enrollment.status, enrollment.decided_at, enrollment.decided_by = status, now, by
            enrollment.decision_note = note[:500]
            result.decided.append(enrollment)
    Enrollment.objects.bulk_update(result.decided, ["status", "decided_at", "decided_by", "decision_note"])
    if result.decided:
        audit_record(
            actor=by,
            action="enrollment.decide",
            summary=f"{len(result.decided)} application(s) set to {status}",
            data={"status": status, "note": note[:500], "enrollment_ids": [e.pk for e in result.decided]},
        )
    for enrollment in result.decided:
        transaction.on_commit(
            lambda e=enrollment: signals.enrollment_decided.send(sender=Enrollment, enrollment=e, decided_by=by)
        )
    return result


def _people_in_active_pairs(enrollments: list[Enrollment]) -> set[tuple[int, int, str]]:
    if not enrollments:
        return set()
    condition = Q(pk__in=[])
    for e in enrollments:
        person_field = "mentor_id" if e.role == Enrollment.Role.MENTOR else "mentee_id"
        condition |= Q(cycle_id=e.cycle_id, **{person_field: e.person_id})
    pairs = Mentorship.objects.active().filter(condition).values_list("cycle_id", "mentor_id", "mentee_id")
    found: set[tuple[int, int, str]] = set()
    for cycle_id, mentor_id, mentee_id in pairs:
        found |= {(cycle_id, mentor_id, Enrollment.Role.MENTOR), (cycle_id, mentee_id, Enrollment.Role.MENTEE)}
    return found
