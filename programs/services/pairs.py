"""Pairs made by hand, and how pairs end. Every pair is made here, under the rules of programs.rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.references import person_ref
from audit.services import audit_record
from profiles.models import Person
from programs import signals
from programs.models import Agreement, Cycle, Mentorship, PairFlag
from programs.rules import pair_refusals
from programs.selectors.pair_facts import pair_facts


def pair_rule_violations(*, cycle: Cycle, mentor: Person, mentee: Person) -> list[str]:
    """Every hard rule this pair would break in this cycle, in words for the coordinator.

    The rules are programs.rules (one place for every path that makes a pair); this loads the
    facts and words the refusals. Empty means the pair may be made. Pairs that already exist are
    counted as they stand in the database, so call this inside the transaction that creates the pair.
    """
    facts = pair_facts(cycle=cycle, mentors=[mentor], mentees=[mentee])
    return [refusal.text for refusal in pair_refusals(facts, mentor.pk, mentee.pk)]


@transaction.atomic
def mentorship_create(
    *, cycle: Cycle, mentor: Person, mentee: Person, by: Any, source: str = Mentorship.Source.MANUAL
) -> Mentorship:
    """Pair a mentor and a mentee, with an empty agreement for them to fill in."""
    # Lock both people's rows so two coordinators pairing at once cannot overfill a mentor.
    list(Person.objects.select_for_update().filter(pk__in=[mentor.pk, mentee.pk]).order_by("pk"))
    problems = pair_rule_violations(cycle=cycle, mentor=mentor, mentee=mentee)
    if problems:
        raise ValidationError(problems)
    mentorship = Mentorship.objects.create(
        cycle=cycle,
        mentor=mentor,
        mentee=mentee,
        source=source,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        started_on=max(timezone.localdate(), cycle.starts_on),
    )
    Agreement.objects.create(mentorship=mentorship)
    audit_record(
        actor=by, action="mentorship.create", target=mentorship, summary=f"Paired {person_ref(mentor)} with {person_ref(mentee)} ({source})"
    )
    transaction.on_commit(lambda: signals.mentorship_created.send(sender=Mentorship, mentorship=mentorship))
    return mentorship


def _close(*, mentorship: Mentorship, by: Any, status: str, reason: str, action: str) -> Mentorship:
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if locked.status != Mentorship.Status.ACTIVE:
        raise ValidationError(f"This pair is already {locked.get_status_display().lower()}.")
    mentorship.status, mentorship.ended_on, mentorship.end_reason = status, timezone.localdate(), reason[:500]
    mentorship.save(update_fields=["status", "ended_on", "end_reason"])
    # A closed pair is no longer at risk; its open flags would only clutter the coordinator's list.
    PairFlag.objects.filter(mentorship=mentorship, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by, resolution=f"Pair {mentorship.get_status_display().lower()}."
    )
    # The reason goes in the entry's data, not the summary: every program's coordinators read the log page.
    audit_record(
        actor=by, action=action, target=mentorship, summary=mentorship.get_status_display(), data={"reason": reason[:500]}
    )
    transaction.on_commit(lambda: signals.mentorship_ended.send(sender=Mentorship, mentorship=mentorship))
    return mentorship


@transaction.atomic
def mentorship_end(*, mentorship: Mentorship, by: Any, reason: str) -> Mentorship:
    """End a pair early. The reason is kept on the pair and in the audit log."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the pair is ending."})
    return _close(
        mentorship=mentorship, by=by, status=Mentorship.Status.ENDED, reason=reason.strip(), action="mentorship.end"
    )


@transaction.atomic
def mentorship_complete(*, mentorship: Mentorship, by: Any, note: str = "") -> Mentorship:
    """Mark a pair as having completed the cycle."""
    return _close(
        mentorship=mentorship,
        by=by,
        status=Mentorship.Status.COMPLETED,
        reason=note.strip(),
        action="mentorship.complete",
    )

