"""Creating and editing programs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from audit.services import audit_record
from programs.models import Program


@transaction.atomic
def program_save(*, program: Program, coordinators: Iterable[Any], by: Any) -> Program:
    """Save a new or edited program with its coordinators, and audit it.

    Whoever creates or edits a program keeps coordinating it, so nobody can lock themselves out
    (superusers see every program anyway and are not added).
    """
    created = program.pk is None
    program.save()
    program.coordinators.set(coordinators)
    if not by.is_superuser:
        program.coordinators.add(by)
    audit_record(actor=by, action="program.create" if created else "program.edit", target=program, summary=program.name)
    return program
