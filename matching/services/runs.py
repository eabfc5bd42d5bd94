"""Match runs: settings and bans, starting a run, running the engine, publishing, comparing."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone

from audit.references import person_ref
from audit.services import audit_record
from circles.models import CircleMember, CircleProposal
from circles.services import circle_member_add
from common.enqueue import enqueue_on_commit
from common.progress import progress_clear, progress_set
from matching import engine, tasks
from matching.models import MatchBan, MatchProposal, MatchRun, MatchSettings, MenteeChoice
from matching.services.inputs import CycleInput, cycle_input, explanation_json, settings_for, unit_key
from profiles.models import Person
from programs.models import Cycle, Enrollment, Mentorship
from programs.services.cycles import cycle_update
from programs.services.pairs import mentorship_create

logger = logging.getLogger("matching.runs")

RUN_STEPS = (
    "Step 1 of 3: reading the cycle's mentors, mentees and goals",
    "Step 2 of 3: the engine is pairing",
    "Step 3 of 3: saving the proposals",
)


# ---------------------------------------------------------------- settings and bans


@transaction.atomic
def match_settings_update(*, cycle: Cycle, by: Any, settings: engine.Settings, mode: str) -> MatchSettings:
    """Save the cycle's match settings. Repeat pairs and "match everyone" are the cycle's own
    options, so they are saved there."""
    if mode not in MatchSettings.Mode.values:
        raise ValidationError({"mode": "Choose a mode."})
    data = settings.to_dict()
    data.pop("tz_reference", None)
    stored, _ = MatchSettings.objects.update_or_create(
        cycle=cycle, defaults={"data": data, "mode": mode, "updated_by": by}
    )
    cycle_options = {
        name: getattr(settings, name)
        for name in ("allow_repeat_pairs", "match_everyone")
        if getattr(settings, name) != getattr(cycle, name)
    }
    if cycle_options:
        cycle_update(cycle=cycle, by=by, **cycle_options)
    audit_record(actor=by, action="matching.settings", target=cycle, summary=f"Match settings: {mode}", data=data)
    return stored


@transaction.atomic
def match_ban_create(*, cycle: Cycle, mentor: Person, mentee: Person, reason: str, by: Any) -> MatchBan:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why these two must not be paired."})
    if mentor.pk == mentee.pk:
        raise ValidationError("Choose two different people.")
    if MatchBan.objects.filter(cycle=cycle, mentor=mentor, mentee=mentee).exists():
        raise ValidationError(f"{mentor} and {mentee} are already banned from being paired.")
    ban = MatchBan.objects.create(cycle=cycle, mentor=mentor, mentee=mentee, reason=reason, created_by=by)
    # The reason stays out of the summary: the log page is read by the coordinators of every program.
    audit_record(
        actor=by, action="matching.ban", target=cycle, summary=f"Banned {person_ref(mentor)} → {person_ref(mentee)}", data={"reason": reason}
    )
    return ban


@transaction.atomic
def match_ban_delete(*, ban: MatchBan, by: Any) -> None:
    audit_record(actor=by, action="matching.unban", target=ban.cycle, summary=f"Lifted ban {person_ref(ban.mentor)} → {person_ref(ban.mentee)}")
    ban.delete()


# ---------------------------------------------------------------- runs


@transaction.atomic
def run_start(*, cycle: Cycle, by: Any, parent: MatchRun | None = None) -> MatchRun:
    """Queue a run of the engine over the cycle. A re-run keeps the parent's locked pairs and
    treats its rejected pairs as bans."""
    if parent is not None and parent.status != MatchRun.Status.DONE:
        raise ValidationError("Only a finished run can be run again.")
    settings, mode = settings_for(cycle)
    inputs: dict[str, list] = {"locks": [], "bans": []}
    if parent is not None:
        for mentor_id, mentee_id, status in parent.proposals.filter(
            status__in=[MatchProposal.Status.LOCKED, MatchProposal.Status.REJECTED]
        ).values_list("mentor_id", "mentee_id", "status"):
            key = "locks" if status == MatchProposal.Status.LOCKED else "bans"
            inputs[key].append([mentor_id, mentee_id])
        for circle_id, mentee_id, status in parent.circle_proposals.filter(
            status__in=[CircleProposal.Status.LOCKED, CircleProposal.Status.REJECTED]
        ).values_list("circle_id", "mentee_id", "status"):
            key = "circle_locks" if status == CircleProposal.Status.LOCKED else "circle_bans"
            inputs.setdefault(key, []).append([circle_id, mentee_id])
    run = MatchRun.objects.create(
        cycle=cycle, parent=parent, mode=mode, settings=settings.to_dict(), inputs=inputs, started_by=by
    )
    audit_record(actor=by, action="matching.run", target=run, summary=f"Started run {run.pk} ({mode})")
    # With Redis down the run stays queued and the sweep hands it to a worker once Redis is
    # back: running the engine in the request instead could hold the page for minutes.
    enqueue_on_commit(tasks.execute_run, run.pk)
    return run


def _pairs(rows: list) -> frozenset[tuple[int, int]]:
    return frozenset((int(a), int(b)) for a, b in rows)


def run_input(run: MatchRun) -> CycleInput:
    """The engine input of a run: today's data, the run's settings, its carried-over locks and bans."""
    return cycle_input(
        run.cycle,
        settings=engine.Settings.from_dict(run.settings),
        mode=run.mode,
        extra_bans=_pairs(run.inputs.get("bans", [])),
        extra_locks=_pairs(run.inputs.get("locks", [])),
        circle_bans=_pairs(run.inputs.get("circle_bans", [])),
        circle_locks=_pairs(run.inputs.get("circle_locks", [])),
    )


def run_execute(*, run_id: int) -> MatchRun:
    """Run the engine for a queued run and store its proposals. Safe to call twice (a retried task)."""
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().select_related("cycle").get(pk=run_id)
        if run.status in (MatchRun.Status.DONE, MatchRun.Status.FAILED):
            return run
        run.status, run.started_at, run.message = MatchRun.Status.RUNNING, timezone.now(), ""
        run.save(update_fields=["status", "started_at", "message"])
    # The engine is one call with no rows to count: the page shows which of three steps it is on.
    progress_set(run.progress_key, step=RUN_STEPS[0], done=0, total=len(RUN_STEPS))
    t0 = time.perf_counter()
    try:
        data = run_input(run)
        progress_set(run.progress_key, step=RUN_STEPS[1], done=1, total=len(RUN_STEPS))
        t1 = time.perf_counter()
        broken = _broken_locks(data, run)
        if broken:
            return _fail(run, " ".join(broken))
        solver = engine.solve_stable if run.mode == MatchSettings.Mode.STABLE else engine.solve
        result = solver(data.problem, data.settings)
    except OperationalError:
        raise  # transient: the task retries, and the run is picked up again in "running"
    except engine.ProblemError as error:
        return _fail(run, f"The engine refused this input: {error}")
    except Exception:
        logger.exception("Match run %s failed", run_id)
        return _fail(run, "The run failed unexpectedly. The error is in the server log; try again.")
    t2 = time.perf_counter()
    progress_set(run.progress_key, step=RUN_STEPS[2], done=2, total=len(RUN_STEPS))
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        run.proposals.all().delete()
        run.circle_proposals.all().delete()
        locked_pairs = set(data.problem.locks)
        seats = [p for p in result.pairs if engine.is_circle(p.mentor_id)]
        CircleProposal.objects.bulk_create(
            CircleProposal(
                run=run,
                circle_id=p.mentor_id.key,
                mentee_id=p.mentee_id,
                score=round(float(p.score), 3),
                explanation=explanation_json(p.explanation, data) if p.explanation else {},
                status=CircleProposal.Status.LOCKED
                if (p.mentor_id, p.mentee_id) in locked_pairs
                else CircleProposal.Status.PROPOSED,
                member_id=data.members.get((p.mentor_id, p.mentee_id)),
            )
            for p in seats
        )
        MatchProposal.objects.bulk_create(
            MatchProposal(
                run=run,
                mentor_id=p.mentor_id,
                mentee_id=p.mentee_id,
                score=round(float(p.score), 3),
                explanation=explanation_json(p.explanation, data) if p.explanation else {},
                status=MatchProposal.Status.LOCKED
                if (p.mentor_id, p.mentee_id) in locked_pairs
                else MatchProposal.Status.PROPOSED,
                mentorship_id=data.existing.get((p.mentor_id, p.mentee_id)),
            )
            for p in result.pairs
            if not engine.is_circle(p.mentor_id)
        )
        run.mentee_count, run.mentor_count = len(data.problem.mentees), len(data.capacity)
        run.unmatched = [
            {
                "mentee_id": u.mentee_id,
                "reason": u.reason,
                "detail": u.detail,
                "taken": [[unit_key(mentor_id), list(mentees)] for mentor_id, mentees in u.taken],
            }
            for u in result.unmatched
        ]
        cert = result.certificate  # None in stable mode: deferred acceptance has nothing to prove
        run.certificate_proven = bool(cert and cert.proven)
        run.certificate_rounds = cert.rounds if cert else 0
        run.certificate_pairs_added = cert.pairs_added if cert else 0
        run.tie_seed = data.settings.tie_seed
        run.timings = {
            "input_s": round(t1 - t0, 4),
            "engine_s": round(t2 - t1, 4),
            **{k: round(float(v), 4) for k, v in result.stats.items()},
        }
        _refresh_figures(run, goal_count=data.goal_count)
        run.status, run.finished_at = MatchRun.Status.DONE, timezone.now()
        run.save()
    progress_clear(run.progress_key)
    return run


def _broken_locks(data: CycleInput, run: MatchRun) -> list[str]:
    """Locks carried over from the parent run that a rule now forbids, in words."""
    problems = []
    for mentor_id, mentee_id in sorted(data.problem.locks):
        if (mentor_id, mentee_id) in data.existing or (mentor_id, mentee_id) in data.members:
            continue
        rules = [r for r in engine.pair_rules(data.problem, data.settings, mentor_id, mentee_id) if r != "prior_pair"]
        if rules:
            problems.append(
                f"The locked pair {data.name(mentor_id)} → {data.name(mentee_id)} is no longer allowed "
                f"({'; '.join(engine.RULE_TEXT[r] for r in rules)}): unlock it in run {run.parent_id} and re-run."
            )
    return problems


def _fail(run: MatchRun, message: str) -> MatchRun:
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.FAILED, message=message[:1000], finished_at=timezone.now()
    )
    run.refresh_from_db()
    progress_clear(run.progress_key)
    return run


def _refresh_figures(run: MatchRun, *, goal_count: int | None = None) -> None:
    """Recount matched mentees, total score and coverage from the run's live proposals."""
    live = [p for p in run.proposals.all() if p.status != MatchProposal.Status.REJECTED]
    # seats in circles count as placements: a mentee has a pair or a seat, never both
    live += [p for p in run.circle_proposals.all() if p.status != CircleProposal.Status.REJECTED]
    if goal_count is not None:
        run.timings = {**run.timings, "goals": goal_count}
    goals = int(run.timings.get("goals", 0))
    run.matched_count = len(live)
    run.total_score = round(sum(p.score for p in live), 3)
    run.coverage_mentees = (len(live) / run.mentee_count) if run.mentee_count else 0.0
    covered = sum(1 for p in live for g in p.explanation.get("goals", []) if g.get("covered"))
    run.coverage_goals = (covered / goals) if goals else 0.0


def run_figures_save(run: MatchRun) -> None:
    _refresh_figures(run)
    run.save(update_fields=["matched_count", "total_score", "coverage_mentees", "coverage_goals"])


# ---------------------------------------------------------------- publishing


@transaction.atomic
def run_publish_request(*, run: MatchRun, by: Any) -> MatchRun:
    """Queue the publishing of a run (a background task calls run_publish)."""
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    _check_publishable(run)
    if run.is_publishing:
        raise ValidationError("This run is already being published.")
    run.publish_state, run.publish_message = MatchRun.Publishing.QUEUED, ""
    run.save(update_fields=["publish_state", "publish_message"])
    enqueue_on_commit(tasks.publish_run, run.pk, by.pk)
    return run


def run_publish_execute(*, run_id: int, user_id: int) -> MatchRun:
    """The task's side of publishing: run_publish, and a refusal recorded on the run for the page."""
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.published_at is not None or not run.is_publishing:
            return run
        run.publish_state = MatchRun.Publishing.RUNNING
        run.save(update_fields=["publish_state"])
    by = get_user_model().objects.filter(pk=user_id).first()
    try:
        run_publish(run=run, by=by)
    except ValidationError as error:
        MatchRun.objects.filter(pk=run_id).update(
            publish_state=MatchRun.Publishing.FAILED, publish_message="\n".join(error.messages)
        )
    except OperationalError:
        raise  # transient: the task retries (the state stays "running", which run_publish_execute accepts)
    except Exception:
        logger.exception("Publishing match run %s failed", run_id)
        MatchRun.objects.filter(pk=run_id).update(
            publish_state=MatchRun.Publishing.FAILED,
            publish_message="Publishing failed unexpectedly; nothing was published. The error is in the server log.",
        )
    run.refresh_from_db()
    return run


def _check_publishable(run: MatchRun) -> None:
    if run.published_at is not None:
        raise ValidationError("This run is already published.")
    if run.status != MatchRun.Status.DONE:
        raise ValidationError("Only a finished run can be published.")


@transaction.atomic
def run_publish(*, run: MatchRun, by: Any) -> list[Mentorship]:
    """Create every live proposal as a Mentorship, all or nothing.

    Each pair goes through programs' hard rules as they stand now; if any pair is refused,
    nothing is created and the error lists every refused pair. Pairs that already existed when
    the run started are left as they are. Both people hear of their pair after the commit
    (mentorship_create sends programs.signals.mentorship_created; notifications mails them).
    """
    run = MatchRun.objects.select_for_update().select_related("cycle").get(pk=run.pk)
    _check_publishable(run)
    proposals = list(
        run.proposals.exclude(status=MatchProposal.Status.REJECTED)
        .select_related("mentor", "mentee", "mentorship")
        .order_by("mentee__last_name", "mentee__first_name", "pk")
    )
    chosen = set(
        MenteeChoice.objects.filter(cycle=run.cycle)
        .exclude(status=MenteeChoice.Status.DECLINED)
        .values_list("mentor_id", "mentee_id")
    )
    created: list[Mentorship] = []
    refused: list[str] = []
    seats = list(
        run.circle_proposals.exclude(status=CircleProposal.Status.REJECTED)
        .select_related("circle__cycle", "mentee", "member")
        .order_by("circle__topic", "mentee__last_name", "pk")
    )
    placed: list[CircleMember] = []
    for seat in seats:
        if seat.member is not None and seat.member.left_on is None:
            continue  # a member before the run
        try:
            placed.append(circle_member_add(circle=seat.circle, person=seat.mentee, by=by,
                                            source=CircleMember.Source.MATCHING))
        except ValidationError as error:
            refused.append(f"{seat.mentee} → the circle “{seat.circle.topic}”: {' '.join(error.messages)}")
    for proposal in proposals:
        if proposal.mentorship is not None and proposal.mentorship.status == Mentorship.Status.ACTIVE:
            continue  # the pair existed before the run
        source = (
            Mentorship.Source.CHOICE
            if (proposal.mentor_id, proposal.mentee_id) in chosen
            else Mentorship.Source.MATCHING
        )
        try:
            created.append(
                mentorship_create(
                    cycle=run.cycle, mentor=proposal.mentor, mentee=proposal.mentee, by=by, source=source
                )
            )
        except ValidationError as error:
            refused.append(f"{proposal.mentor} → {proposal.mentee}: {' '.join(error.messages)}")
    if refused:
        raise ValidationError(
            [f"Nothing was published: {len(refused)} pair(s) break a rule now. Fix them and publish again."]
            + refused
        )
    run.published_at, run.published_by = timezone.now(), by
    run.publish_state, run.publish_message = MatchRun.Publishing.NONE, ""
    run.save(update_fields=["published_at", "published_by", "publish_state", "publish_message"])
    audit_record(
        actor=by,
        action="matching.publish",
        target=run,
        summary=f"Published run {run.pk} of {run.cycle}: {len(created)} new pair(s), {len(placed)} circle seat(s)",
        data={"mentorships": [m.pk for m in created], "circle_members": [m.pk for m in placed]},
    )
    return created


# ---------------------------------------------------------------- comparing


@dataclass(frozen=True)
class PairChange:
    mentee: Person
    mentor_a: Person | None
    score_a: float | None
    mentor_b: Person | None
    score_b: float | None


@dataclass(frozen=True)
class Comparison:
    a: MatchRun
    b: MatchRun
    changes: list[PairChange]
    same: int


def runs_compare(*, a: MatchRun, b: MatchRun) -> Comparison:
    """Which mentees got a different mentor (or none) in run b than in run a. Two queries."""
    live = (
        MatchProposal.objects.exclude(status=MatchProposal.Status.REJECTED)
        .filter(run__in=[a, b])
        .select_related("mentor", "mentee__department")
    )
    by_run: dict[int, dict[int, MatchProposal]] = {a.pk: {}, b.pk: {}}
    mentees: dict[int, Person] = {}
    for p in live:
        by_run[p.run_id][p.mentee_id] = p
        mentees[p.mentee_id] = p.mentee
    changes = []
    same = 0
    for mentee_id in sorted(mentees, key=lambda pk: (mentees[pk].last_name, mentees[pk].first_name, pk)):
        pa, pb = by_run[a.pk].get(mentee_id), by_run[b.pk].get(mentee_id)
        if pa and pb and pa.mentor_id == pb.mentor_id:
            same += 1
            continue
        changes.append(
            PairChange(
                mentee=mentees[mentee_id],
                mentor_a=pa.mentor if pa else None,
                score_a=pa.score if pa else None,
                mentor_b=pb.mentor if pb else None,
                score_b=pb.score if pb else None,
            )
        )
    return Comparison(a=a, b=b, changes=changes, same=same)


def approved_people(cycle: Cycle, role: str) -> list[Person]:
    """Approved, still-employed people of a cycle in one role (for the forms' choices)."""
    return list(
        Person.objects.filter(
            enrollments__cycle=cycle, enrollments__role=role, enrollments__status=Enrollment.Status.APPROVED,
            separated_on__isnull=True,
        ).order_by("last_name", "first_name", "pk")
    )
