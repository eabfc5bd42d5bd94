"""Pairs made by hand, and how pairs end. The hard rules live here for every way pairs are made."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.references import person_ref
from audit.services import audit_record
from profiles.models import Person
from programs import signals
from programs.models import Agreement, Cycle, Enrollment, Mentorship, PairFlag


def _in_reporting_chain(mentor: Person, mentee: Person) -> bool:
    """True when one is the other's supervisor or supervisor's supervisor."""
    direct = {mentor.supervisor_id, mentee.supervisor_id} - {None}
    grand = dict(Person.objects.filter(pk__in=direct).values_list("pk", "supervisor_id"))
    mentor_chain = {mentor.supervisor_id, grand.get(mentor.supervisor_id)} - {None}
    mentee_chain = {mentee.supervisor_id, grand.get(mentee.supervisor_id)} - {None}
    return mentee.pk in mentor_chain or mentor.pk in mentee_chain


def pair_rule_violations(*, cycle: Cycle, mentor: Person, mentee: Person) -> list[str]:
    """Every hard rule this pair would break in this cycle, in words for the coordinator.

    Empty means the pair may be made. Pairs that already exist are counted as they stand in
    the database, so call this inside the transaction that creates the pair.
    """
    if mentor.pk == mentee.pk:
        return [f"{mentor} cannot mentor themself."]
    problems: list[str] = []
    enrollments = {
        (e.person_id, e.role): e
        for e in Enrollment.objects.filter(
            cycle=cycle, status=Enrollment.Status.APPROVED, person__in=[mentor, mentee]
        )
    }
    mentor_enrollment = enrollments.get((mentor.pk, Enrollment.Role.MENTOR))
    if mentor_enrollment is None:
        problems.append(f"{mentor} is not an approved mentor in this cycle.")
    if (mentee.pk, Enrollment.Role.MENTEE) not in enrollments:
        problems.append(f"{mentee} is not an approved mentee in this cycle.")
    for person in (mentor, mentee):
        if person.separated_on is not None:
            problems.append(f"{person} has left (separation date {person.separated_on:%d %b %Y}).")
    if _in_reporting_chain(mentor, mentee):
        problems.append(
            f"{mentor} and {mentee} are in the same reporting chain; a supervisor, or a supervisor's "
            "supervisor, cannot be the mentor or the mentee."
        )

    same_pair = Mentorship.objects.filter(cycle=cycle, mentor=mentor, mentee=mentee).first()
    if same_pair is not None and same_pair.status == Mentorship.Status.ACTIVE:
        return [f"{mentor} is already mentoring {mentee} this cycle."]
    if same_pair is not None:
        problems.append(f"{mentor} and {mentee} were already paired in this cycle, and that pair has closed.")
    elif not cycle.allow_repeat_pairs and (
        Mentorship.objects.filter(mentor=mentor, mentee=mentee).exclude(cycle=cycle).exists()
    ):
        problems.append(
            f"{mentor} and {mentee} were paired in an earlier cycle; this cycle does not allow repeat pairs."
        )

    active = Mentorship.objects.active().filter(cycle=cycle)
    capacity = (mentor_enrollment.capacity if mentor_enrollment else None) or mentor.mentor_capacity
    taken = active.filter(mentor=mentor).count()
    if taken >= capacity:
        problems.append(f"{mentor} already has {taken} active mentee(s); their capacity this cycle is {capacity}.")
    current = active.filter(mentee=mentee).select_related("mentor").first()
    if current is not None:
        problems.append(f"{mentee} already has an active mentor this cycle ({current.mentor}).")
    return problems


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

