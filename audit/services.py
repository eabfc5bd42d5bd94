from __future__ import annotations

from typing import Any

from django.db import models

from audit.models import AuditEntry

# How to find the program of a target, tried in order. Duck-typed so that audit imports no app.
PROGRAM_PATHS = ("program_id", "cycle.program_id", "run.cycle.program_id", "mentorship.cycle.program_id")


def program_of(target: models.Model | None) -> int | None:
    if target is None:
        return None
    if target._meta.label_lower == "programs.program":
        return target.pk
    for path in PROGRAM_PATHS:
        value: Any = target
        for attribute in path.split("."):
            value = getattr(value, attribute, None)
            if value is None:
                break
        if value is not None:
            return int(value)
    return None


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
    program_id: int | None = None,
) -> AuditEntry:
    """Write one audit entry. Call it inside the transaction of the action it records.

    The program is found from the target (a program, or anything with a cycle) unless given.
    """
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_label=(actor.email if is_user else "system"),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        program_id=program_id if program_id is not None else program_of(target),
        summary=summary[:500],
        data=data or {},
    )
