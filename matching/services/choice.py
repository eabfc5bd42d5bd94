"""Mentee choice: a mentee sees their top suggested mentors and ranks up to three; mentors answer.

The ranking goes into the engine as Mentee.choices (a strong score component). A mentor who
declines becomes a ban for that mentee, so the mentee's suggestions move on to the next mentor.
Mentors whose places are all taken (active pairs plus accepted requests) stop being suggested.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from matching import engine
from matching.models import MatchRun, MenteeChoice
from matching.services.inputs import cycle_input, explanation_json, without_full_mentors
from profiles.models import Person
from programs import rules
from programs.models import Cycle, Enrollment, Mentorship
from programs.selectors.pair_facts import pair_facts

MAX_CHOICES = 3
SUGGESTED = 5


@dataclass(frozen=True)
class SuggestedMentor:
    person: Person
    score: float
    explanation: dict[str, Any]


def choice_closed_reason(cycle: Cycle) -> str:
    """Empty while the mentee may still rank; otherwise why not."""
    if not cycle.mentee_choice:
        return "Mentees do not choose their mentor in this cycle."
    if cycle.choice_deadline and timezone.localdate() > cycle.choice_deadline:
        return f"The deadline to choose was {cycle.choice_deadline:%d %B %Y}."
    if MatchRun.objects.filter(cycle=cycle, published_at__isnull=False).exists():
        return "The coordinator has published the pairs for this cycle."
    return ""


def is_approved_mentee(cycle: Cycle, person: Person | None) -> bool:
    return person is not None and Enrollment.objects.filter(
        cycle=cycle, person=person, role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED
    ).exists()


def _taken(cycle: Cycle, mentee: Person, data_locks: frozenset) -> dict[int, int]:
    """Places used per mentor: locked (active) pairs plus requests other mentees had accepted."""
    taken: Counter[int] = Counter(mentor_id for mentor_id, _ in data_locks)
    taken.update(
        MenteeChoice.objects.filter(cycle=cycle, status=MenteeChoice.Status.ACCEPTED)
        .exclude(mentee=mentee)
        .values_list("mentor_id", flat=True)
    )
    return dict(taken)


def mentee_suggestions(*, cycle: Cycle, mentee: Person, n: int = SUGGESTED) -> list[SuggestedMentor]:
    """The mentee's top n mentors with the reasons. Only this mentee's own view; never stored."""
    data = cycle_input(cycle, only_mentee=mentee.pk)
    if data.mentee(mentee.pk) is None or any(e == mentee.pk for _, e in data.problem.locks):
        return []  # not waiting for a mentor (already paired, or not an approved mentee)
    data = without_full_mentors(data, _taken(cycle, mentee, data.problem.locks))
    found = engine.suggestions(data.problem, mentee.pk, n=n, settings=data.settings)
    return [
        SuggestedMentor(person=data.people[s.mentor_id], score=round(s.score, 1),
                        explanation=explanation_json(s.explanation, data))
        for s in found
    ]


def current_choices(*, cycle: Cycle, mentee: Person) -> list[MenteeChoice]:
    return list(
        MenteeChoice.objects.filter(cycle=cycle, mentee=mentee).select_related("mentor__department").order_by(
            "status", "rank", "pk"
        )
    )


@transaction.atomic
def mentee_choices_set(*, cycle: Cycle, mentee: Person, mentor_ids: list[int]) -> list[MenteeChoice]:
    """Replace the mentee's ranking: distinct, at most three, only mentors they may choose."""
    reason = choice_closed_reason(cycle)
    if reason:
        raise ValidationError(reason)
    if not is_approved_mentee(cycle, mentee):
        raise ValidationError("Only approved mentees of this cycle can choose a mentor.")
    if Mentorship.objects.active().filter(cycle=cycle, mentee=mentee).exists():
        raise ValidationError("You already have a mentor in this cycle.")
    if not mentor_ids:
        raise ValidationError("Choose at least one mentor.")
    if len(mentor_ids) > MAX_CHOICES:
        raise ValidationError(f"Choose at most {MAX_CHOICES} mentors.")
    if len(set(mentor_ids)) != len(mentor_ids):
        raise ValidationError("Choose each mentor only once.")
    # Lock the mentee's row so two tabs saving at once cannot interleave their rankings.
    Person.objects.select_for_update().filter(pk=mentee.pk).first()
    _refuse_broken_rules(cycle, Person.objects.filter(pk__in=mentor_ids), mentee)
    existing = {c.mentor_id: c for c in MenteeChoice.objects.filter(cycle=cycle, mentee=mentee)}
    allowed = {s.person.pk for s in mentee_suggestions(cycle=cycle, mentee=mentee)}
    allowed |= {m for m, c in existing.items() if c.status != MenteeChoice.Status.DECLINED}
    for mentor_id in mentor_ids:
        if mentor_id not in allowed:
            declined = existing.get(mentor_id)
            if declined is not None and declined.status == MenteeChoice.Status.DECLINED:
                raise ValidationError(f"{declined.mentor} has declined your request; choose another mentor.")
            raise ValidationError("Choose only among your suggested mentors.")
    live = MenteeChoice.objects.filter(cycle=cycle, mentee=mentee).exclude(status=MenteeChoice.Status.DECLINED)
    live.exclude(mentor_id__in=mentor_ids).delete()
    live.update(rank=None)  # free the ranks before handing them out again
    saved = []
    for rank, mentor_id in enumerate(mentor_ids, start=1):
        choice, _ = MenteeChoice.objects.update_or_create(
            cycle=cycle, mentee=mentee, mentor_id=mentor_id, defaults={"rank": rank}
        )
        saved.append(choice)
    return saved


# A request is not a pair yet: places and an existing mentor are judged when it is answered and published.
_CHOICE_SKIPS = frozenset({rules.CAPACITY, rules.PAIRED})


def _refuse_broken_rules(cycle: Cycle, mentors: Any, mentee: Person, *, accepting: bool = False) -> None:
    """The pair rules of programs.rules, for a request: a ban or a reporting chain refuses it by name."""
    mentors = list(mentors)
    facts = pair_facts(cycle=cycle, mentors=mentors, mentees=[mentee])
    for mentor in mentors:
        refusals = rules.pair_refusals(facts, mentor.pk, mentee.pk, skip=_CHOICE_SKIPS)
        if refusals:
            first = f"You cannot accept {mentee}'s request:" if accepting else f"You cannot choose {mentor}:"
            raise ValidationError([first, *(r.text for r in refusals)])


@transaction.atomic
def mentee_choice_decide(*, choice: MenteeChoice, mentor: Person, accept: bool, note: str = "") -> MenteeChoice:
    """The mentor accepts or declines a mentee's request. A declined mentee is told (by a worker, after commit)."""
    choice = MenteeChoice.objects.select_for_update().select_related("cycle", "mentee").get(pk=choice.pk)
    if choice.mentor_id != mentor.pk:
        raise ValidationError("This request is not addressed to you.")
    if choice.status != MenteeChoice.Status.PENDING:
        raise ValidationError(f"You have already answered this request ({choice.get_status_display().lower()}).")
    if MatchRun.objects.filter(cycle=choice.cycle, published_at__isnull=False).exists():
        raise ValidationError("The pairs of this cycle are published; the coordinator handles changes now.")
    if accept:
        # Judged as the data stands now: a ban or a change of supervisor since the request refuses it.
        _refuse_broken_rules(choice.cycle, [mentor], choice.mentee, accepting=True)
        enrollment = Enrollment.objects.filter(
            cycle=choice.cycle, person=mentor, role=Enrollment.Role.MENTOR, status=Enrollment.Status.APPROVED
        ).first()
        capacity = rules.mentor_places(enrollment.capacity if enrollment else None, mentor.mentor_capacity)
        used = Mentorship.objects.active().filter(cycle=choice.cycle, mentor=mentor).count()
        used += MenteeChoice.objects.filter(
            cycle=choice.cycle, mentor=mentor, status=MenteeChoice.Status.ACCEPTED
        ).count()
        if not rules.has_room(capacity, used):
            raise ValidationError(f"Your {capacity} place(s) this cycle are taken; you can only decline now.")
        choice.status = MenteeChoice.Status.ACCEPTED
    else:
        choice.status, choice.rank = MenteeChoice.Status.DECLINED, None
    choice.note, choice.decided_at = note.strip()[:500], timezone.now()
    choice.save(update_fields=["status", "rank", "note", "decided_at"])
    if not accept:
        from matching import emails

        emails.mentee_choice_declined(choice)  # recorded with the decision, mailed after commit
    return choice
