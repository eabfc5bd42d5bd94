"""The coordinator's review of a run: lock, reject, swap, add by hand, and "why not this mentor?".

Every change keeps the hard rules of programs.rules (approved, still employed, reporting chain,
bans, grade, earlier and existing pairs), judged as the data stands now, and the mentor's capacity
in this run. Locking a pair re-checks it too: a ban added after the run refuses the lock.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.references import person_ref
from audit.services import audit_record
from circles.models import Circle, CircleProposal
from circles.services import placement_refusals
from matching import engine
from matching.engine.explain import explain_pair
from matching.engine.scoring import skill_rarity
from matching.models import MatchProposal, MatchRun
from matching.services.inputs import CycleInput, explanation_json
from matching.services.runs import run_figures_save, run_input
from profiles.models import Person
from programs import rules
from programs.services.pairs import pair_rule_violations


def _editable(run: MatchRun) -> MatchRun:
    run = MatchRun.objects.select_for_update().select_related("cycle").get(pk=run.pk)
    if run.published_at is not None:
        raise ValidationError("This run is published and can no longer be changed.")
    if run.is_publishing:
        raise ValidationError("This run is being published; wait for it to finish.")
    if run.status != MatchRun.Status.DONE:
        raise ValidationError("This run has not finished.")
    return run


def _live(run: MatchRun, pk: int) -> MatchProposal:
    proposal = (
        run.proposals.select_for_update().exclude(status=MatchProposal.Status.REJECTED).filter(pk=pk).first()
    )
    if proposal is None:
        raise ValidationError("That pair is no longer in this run.")
    return proposal


def _existing_guard(proposal: MatchProposal, verb: str) -> None:
    if proposal.mentorship_id:
        raise ValidationError(
            f"{proposal.mentor} and {proposal.mentee} are already a pair this cycle; you cannot {verb} it here. "
            "End the pair from the cycle's Pairs page if it must change."
        )


def _pair_problems(run: MatchRun, mentor: Person, mentee: Person, *, moving_out: int | None = None) -> list[str]:
    """Hard rules for a pair inside this run (moving_out: a proposal of this mentor being replaced)."""
    problems = pair_rule_violations(cycle=run.cycle, mentor=mentor, mentee=mentee)
    capacity = _capacity(run, mentor)
    live = run.proposals.exclude(status=MatchProposal.Status.REJECTED).filter(mentor=mentor)
    if moving_out is not None:
        live = live.exclude(pk=moving_out)
    taken = live.count()
    if capacity is not None and not rules.has_room(capacity, taken):
        problems.append(f"{mentor} already has {taken} mentee(s) in this run; their capacity is {capacity}.")
    # pair_rule_violations counts the mentor's active pairs too; say each thing once.
    return list(dict.fromkeys(problems))


def _capacity(run: MatchRun, mentor: Person) -> int | None:
    enrollment = mentor.enrollments.filter(cycle=run.cycle, role="mentor").first()
    if enrollment is None:
        return None
    return rules.mentor_places(enrollment.capacity, mentor.mentor_capacity)


def _score(data: CycleInput, mentor_id: int, mentee_id: int) -> tuple[float, dict]:
    mentee, mentor = data.mentee(mentee_id), data.mentor(mentor_id)
    if mentee is None or mentor is None:
        return 0.0, {}
    explanation = explain_pair(mentee, mentor, data.settings, skill_rarity(data.problem.mentors))
    return round(explanation.total, 3), explanation_json(explanation, data)


@transaction.atomic
def proposal_lock(*, run: MatchRun, proposal_id: int, by: Any) -> MatchProposal:
    """Lock a pair so a re-run keeps it, or unlock it again."""
    run = _editable(run)
    proposal = _live(run, proposal_id)
    if proposal.status == MatchProposal.Status.LOCKED:
        _existing_guard(proposal, "unlock")
        proposal.status = MatchProposal.Status.PROPOSED
    else:
        if proposal.mentorship_id is None:
            # A lock is a promise that the pair will be published: judge it as the data stands now.
            problems = pair_rule_violations(cycle=run.cycle, mentor=proposal.mentor, mentee=proposal.mentee)
            if problems:
                raise ValidationError([f"{proposal.mentor} → {proposal.mentee} was not locked:", *problems])
        proposal.status = MatchProposal.Status.LOCKED
    proposal.save(update_fields=["status", "updated_at"])
    action = "matching.lock" if proposal.status == MatchProposal.Status.LOCKED else "matching.unlock"
    audit_record(actor=by, action=action, target=run, summary=f"{person_ref(proposal.mentor)} → {person_ref(proposal.mentee)}")
    return proposal


@transaction.atomic
def proposal_reject(*, run: MatchRun, proposal_id: int, by: Any) -> MatchProposal:
    """Take a pair out of the run; a re-run treats it as banned."""
    run = _editable(run)
    proposal = _live(run, proposal_id)
    _existing_guard(proposal, "reject")
    if proposal.status == MatchProposal.Status.LOCKED:
        raise ValidationError("Unlock this pair before rejecting it.")
    proposal.status = MatchProposal.Status.REJECTED
    proposal.save(update_fields=["status", "updated_at"])
    run_figures_save(run)
    audit_record(actor=by, action="matching.reject", target=run, summary=f"{person_ref(proposal.mentor)} → {person_ref(proposal.mentee)}")
    return proposal


@transaction.atomic
def proposal_swap(*, run: MatchRun, first_id: int, second_id: int, by: Any) -> tuple[MatchProposal, MatchProposal]:
    """Give two mentees each other's mentor. Refused, with the reasons, if a new pair breaks a rule."""
    run = _editable(run)
    if first_id == second_id:
        raise ValidationError("Choose two different pairs to swap.")
    first, second = _live(run, first_id), _live(run, second_id)
    for proposal in (first, second):
        _existing_guard(proposal, "swap")
        if proposal.status == MatchProposal.Status.LOCKED:
            raise ValidationError(f"{proposal.mentor} → {proposal.mentee} is locked; unlock it before swapping.")
    if first.mentor_id == second.mentor_id:
        raise ValidationError("Both mentees already have the same mentor; there is nothing to swap.")
    mentor_a, mentor_b = first.mentor, second.mentor
    problems = _pair_problems(run, mentor_b, first.mentee, moving_out=second.pk) + _pair_problems(
        run, mentor_a, second.mentee, moving_out=first.pk
    )
    if problems:
        raise ValidationError(["The swap was not made:", *problems])
    data = run_input(run)
    for proposal, mentor in ((first, mentor_b), (second, mentor_a)):
        proposal.mentor = mentor
        proposal.score, proposal.explanation = _score(data, mentor.pk, proposal.mentee_id)
        proposal.save(update_fields=["mentor", "score", "explanation", "updated_at"])
    run_figures_save(run)
    audit_record(
        actor=by, action="matching.swap", target=run,
        summary=f"Swapped mentors of {person_ref(first.mentee)} and {person_ref(second.mentee)}",
    )
    return first, second


@transaction.atomic
def proposal_add(*, run: MatchRun, mentor: Person, mentee: Person, by: Any) -> MatchProposal:
    """Add a pair by hand, under the same hard rules as the engine's pairs."""
    run = _editable(run)
    current = run.proposals.exclude(status=MatchProposal.Status.REJECTED).filter(mentee=mentee).first()
    if current is not None:
        raise ValidationError(
            f"{mentee} already has {current.mentor} in this run. Reject that pair first, or swap instead."
        )
    seat = run.circle_proposals.exclude(status=CircleProposal.Status.REJECTED).filter(mentee=mentee).first()
    if seat is not None:  # one placement per mentee and run: a pair or a seat
        raise ValidationError(
            f"{mentee} has a seat in the circle “{seat.circle.topic}” in this run. Reject the seat first."
        )
    problems = _pair_problems(run, mentor, mentee)
    if problems:
        raise ValidationError(["The pair was not added:", *problems])
    data = run_input(run)
    score, explanation = _score(data, mentor.pk, mentee.pk)
    proposal = MatchProposal.objects.create(
        run=run, mentor=mentor, mentee=mentee, score=score, explanation=explanation, status=MatchProposal.Status.ADDED
    )
    run_figures_save(run)
    audit_record(actor=by, action="matching.add", target=run, summary=f"Added {person_ref(mentor)} → {person_ref(mentee)} by hand")
    return proposal


# ---------------------------------------------------------------- circle seats


def _live_seat(run: MatchRun, pk: int) -> CircleProposal:
    seat = (
        run.circle_proposals.select_for_update().select_related("circle__cycle", "mentee")
        .exclude(status=CircleProposal.Status.REJECTED).filter(pk=pk).first()
    )
    if seat is None:
        raise ValidationError("That seat is no longer in this run.")
    return seat


@transaction.atomic
def seat_lock(*, run: MatchRun, seat_id: int, by: Any) -> CircleProposal:
    """Lock a circle seat so a re-run keeps it (judged as the data stands now), or unlock it."""
    run = _editable(run)
    seat = _live_seat(run, seat_id)
    if seat.member_id:
        raise ValidationError(f"{seat.mentee} is already in the circle “{seat.circle.topic}”; remove them from "
                              "the circle's page if that must change.")
    if seat.status == CircleProposal.Status.LOCKED:
        seat.status = CircleProposal.Status.PROPOSED
    else:
        problems = placement_refusals(circle=seat.circle, mentee=seat.mentee)
        if problems:
            raise ValidationError([f"{seat.mentee} → the circle “{seat.circle.topic}” was not locked:", *problems])
        seat.status = CircleProposal.Status.LOCKED
    seat.save(update_fields=["status"])
    action = "matching.lock" if seat.status == CircleProposal.Status.LOCKED else "matching.unlock"
    audit_record(actor=by, action=action, target=run, summary=f"{person_ref(seat.mentee)} → circle {seat.circle_id}")
    return seat


@transaction.atomic
def seat_reject(*, run: MatchRun, seat_id: int, by: Any) -> CircleProposal:
    """Take a seat out of the run; a re-run will not place this mentee in this circle."""
    run = _editable(run)
    seat = _live_seat(run, seat_id)
    if seat.member_id:
        raise ValidationError(f"{seat.mentee} is already in the circle “{seat.circle.topic}”.")
    if seat.status == CircleProposal.Status.LOCKED:
        raise ValidationError("Unlock this seat before rejecting it.")
    seat.status = CircleProposal.Status.REJECTED
    seat.save(update_fields=["status"])
    run_figures_save(run)
    audit_record(actor=by, action="matching.reject", target=run, summary=f"{person_ref(seat.mentee)} → circle {seat.circle_id}")
    return seat


# ---------------------------------------------------------------- why not


def why_not_text(*, run: MatchRun, mentee: Person, mentor: Person | None = None, circle: Circle | None = None) -> str:
    """Why this run did not give `mentee` to `mentor` (or a seat in `circle`), in words, from engine.why_not."""
    data = run_input(run)
    live = list(run.proposals.exclude(status=MatchProposal.Status.REJECTED))
    seats = list(run.circle_proposals.exclude(status=CircleProposal.Status.REJECTED))
    target = engine.CircleId(circle.pk) if circle is not None else mentor.pk
    mentor = data.name(target) if circle is not None else mentor  # the words below name the circle
    result = engine.MatchResult(
        pairs=tuple(
            engine.Pair(p.mentor_id, p.mentee_id, p.score, locked=p.status == MatchProposal.Status.LOCKED)
            for p in live
        ) + tuple(
            engine.Pair(engine.CircleId(p.circle_id), p.mentee_id, p.score,
                        locked=p.status == CircleProposal.Status.LOCKED)
            for p in seats
        ),
        unmatched=(),
        total_score=run.total_score,
        objective=0,
        settings=data.settings,
        mode=run.mode,
    )
    answer = engine.why_not(data.problem, result, mentee.pk, target)
    name = data.name
    score = f"{answer.score:.1f}" if answer.score is not None else "?"
    assigned = name(answer.assigned_mentor) if answer.assigned_mentor is not None else None
    if answer.kind == "assigned":
        if circle is not None:
            return f"{mentee} has a seat in {mentor} in this run ({score} points)."
        return f"{mentor} is {mentee}'s mentor in this run ({score} points)."
    if answer.kind == "unknown":
        if data.mentor(target) is None:
            if circle is not None:
                return f"{circle.topic} has no mentor or no free seat in this cycle, so matching did not offer it."
            return f"{mentor} is not an approved mentor with free places in this cycle."
        return f"{mentee} is not an approved mentee waiting for a mentor in this cycle."
    if answer.kind == "hard_rule":
        return "Not allowed: " + "; ".join(engine.RULE_TEXT[r] for r in answer.rules) + "."
    if answer.kind == "locked_elsewhere":
        return f"{mentee} is locked with {assigned}."
    if answer.kind == "below_min_score":
        return f"The pair scores {score} points, below this run's minimum of {data.settings.min_score:g}."
    if answer.kind == "capacity":
        who = ", ".join(f"{name(t)} ({s:.1f} points)" for t, s in answer.taken_by)
        tail = f" {mentee} got {assigned} ({answer.assigned_score:.1f} points)." if assigned else ""
        return f"{mentor} is full: their places went to {who}. The pair would score {score} points.{tail}"
    if answer.kind == "lower_score":
        return (
            f"{mentor} would score {score} points, {answer.difference:.1f} fewer than {assigned} "
            f"({answer.assigned_score:.1f} points)."
        )
    return (
        f"{mentor} has room and the pair would score {score} points, but it would not raise the run's total "
        "(a best-total run is proven optimal over every allowed pair; in stable mode, the mentee preferred "
        "the mentor they got)."
    )
