"""Explanations: why each pair, why some mentees stay unmatched, why not mentor X, top suggestions."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .rules import RULE_TEXT, pair_rules, rule_names
from .scoring import (
    Prepared,
    block_allowed_q,
    block_rows,
    gap_share,
    goal_levels,
    goal_parts,
    min_q,
    pair_components,
    score_allows,
    skill_rarity,
)
from .types import (
    SCALE,
    Explanation,
    GoalFit,
    MatchResult,
    Mentee,
    Mentor,
    Pair,
    PersonId,
    Problem,
    Removal,
    Settings,
    Suggestion,
    Unmatched,
    WhyNot,
)


def explain_pair(e: Mentee, m: Mentor, settings: Settings, rarity: dict,
                 removed: tuple[Removal, ...] = (), below_min: int = 0) -> Explanation:
    comps = pair_components(e, m, settings, rarity)
    goals = tuple(
        GoalFit(skill=g.skill, target=g.target, priority=g.priority, mentor_level=lt, points=s + kt,
                covered=lt >= goal_levels(g)[1], current=goal_levels(g)[0], gap_closed=gap_share(lt, *goal_levels(g)))
        for g, (s, kt, lt) in zip(e.goals, goal_parts(e, m, settings, rarity), strict=True)
    )
    return Explanation(components=comps, goals=goals, removed=removed, below_min_score=below_min)


def removals(p: Prepared, i: int) -> tuple[Removal, ...]:
    lo, hi = p.forbidden.indptr[i], p.forbidden.indptr[i + 1]
    return tuple(Removal(p.mentors[j].id, rule_names(int(b)))
                 for j, b in zip(p.forbidden.indices[lo:hi].tolist(), p.forbidden.data[lo:hi].tolist(), strict=True))


def build_result(p: Prepared, assigned: np.ndarray, mode: str, stats: Mapping[str, float],
                 rule_ok: np.ndarray, ok: np.ndarray, q_of: np.ndarray) -> MatchResult:
    """Turn mentor-index-per-mentee into a MatchResult with explanations and unmatched reasons.
    q_of holds, per mentee, the scaled score of its (non-locked) pair as the solver saw it."""
    pairs = []
    objective = 0
    for i in np.flatnonzero(assigned >= 0).tolist():
        j = int(assigned[i])
        e, m = p.mentees[i], p.mentors[j]
        locked = bool(p.locked_mentor[i] >= 0)
        if not locked:
            objective += int(q_of[i]) + p.pen_q
        ex = explain_pair(e, m, p.settings, p.rarity, removals(p, i), int(rule_ok[i] - ok[i]))
        pairs.append(Pair(mentor_id=m.id, mentee_id=e.id, score=ex.total, locked=locked, explanation=ex))
    unmatched = unmatched_reasons(p, assigned, rule_ok, ok)
    return MatchResult(pairs=tuple(pairs), unmatched=unmatched, total_score=float(sum(x.score for x in pairs)),
                       objective=objective, settings=p.settings, mode=mode, stats=dict(stats))


def unmatched_reasons(p: Prepared, assigned: np.ndarray, rule_ok: np.ndarray,
                      ok: np.ndarray) -> tuple[Unmatched, ...]:
    idx = np.flatnonzero(assigned < 0)
    takers: dict[int, list[int]] = {}
    for i in np.flatnonzero(assigned >= 0).tolist():
        takers.setdefault(int(assigned[i]), []).append(i)
    out: dict[int, Unmatched] = {}
    need = []
    for i in idx.tolist():
        eid = p.mentees[i].id
        if rule_ok[i] == 0:
            out[i] = Unmatched(eid, "no_allowed_mentor", "every mentor is removed by a hard rule")
        elif ok[i] == 0:
            out[i] = Unmatched(eid, "below_min_score",
                               f"all {int(rule_ok[i])} allowed mentors are below the minimum: they teach none of "
                               f"the goals' gaps, or score under {p.settings.min_score:g}")
        else:
            need.append(i)
    step = block_rows(p.nm)
    for lo in range(0, len(need), step):
        rows = np.asarray(need[lo:lo + step])
        q, _ = block_allowed_q(p, rows)
        for r, i in enumerate(rows.tolist()):
            fin = np.flatnonzero(np.isfinite(q[r]))
            best = fin[np.lexsort((fin, -q[r, fin]))][:3]
            taken = []
            parts = []
            for j in best.tolist():
                who = tuple(p.mentees[t].id for t in takers.get(j, []))
                taken.append((p.mentors[j].id, who))
                room = p.capacity[j] - len(who)
                parts.append(f"{p.mentors[j].id!r} ({q[r, j] / SCALE:g} pts): "
                             + (f"has {room} free place(s), but matching here did not raise the total"
                                if room > 0 else "full with " + ", ".join(repr(x) for x in who)))
            out[i] = Unmatched(p.mentees[i].id, "capacity",
                               "the best allowed mentors went to others: " + "; ".join(parts), tuple(taken))
    return tuple(out[i] for i in sorted(out))


# ------------------------------------------------------------------ why not / suggestions


def _find(seq, pid):
    return next((x for x in seq if x.id == pid), None)


def why_not(problem: Problem, result: MatchResult, mentee_id: PersonId, mentor_id: PersonId) -> WhyNot:
    """Why did mentee_id not get mentor_id in this result? Answers from the same data as the
    explanations: a hard rule, the minimum score, a lock, capacity taken by others (who), or a
    lower score than the assigned mentor (by how much)."""
    settings = result.settings
    e, m = _find(problem.mentees, mentee_id), _find(problem.mentors, mentor_id)
    if e is None or m is None:
        return WhyNot("unknown", "no such mentee or mentor in this cohort")
    rarity = skill_rarity(problem.mentors)
    comps = pair_components(e, m, settings, rarity)
    score = float(sum(comps.values()))
    mine = next((x for x in result.pairs if x.mentee_id == mentee_id), None)
    a_id = mine.mentor_id if mine else None
    a_score = mine.score if mine else None
    diff = (a_score - score) if a_score is not None else None
    base = dict(score=score, assigned_mentor=a_id, assigned_score=a_score, difference=diff)
    if a_id == mentor_id:
        return WhyNot("assigned", f"{mentee_id!r} is paired with {mentor_id!r} ({score:g} pts)", **base)
    rules = pair_rules(problem, settings, mentor_id, mentee_id)
    if rules:
        return WhyNot("hard_rule", "not allowed: " + "; ".join(RULE_TEXT[r] for r in rules), rules=rules, **base)
    if mine is not None and mine.locked:
        return WhyNot("locked_elsewhere", f"the coordinator locked {mentee_id!r} with {a_id!r}", **base)
    if not score_allows(comps, settings):
        if comps["skill"] <= 0:
            return WhyNot("below_min_score", f"{mentor_id!r} teaches none of the gaps in {mentee_id!r}'s goals "
                          "(no skill fit), and this cycle does not match everyone", **base)
        return WhyNot("below_min_score", f"the pair scores {score:g}, below the minimum {settings.min_score:g}",
                      **base)
    holders = tuple((x.mentee_id, x.score) for x in result.pairs if x.mentor_id == mentor_id)
    if len(holders) >= m.capacity:
        who = ", ".join(f"{t!r} ({s:g} pts)" for t, s in holders)
        extra = f"; {mentee_id!r} got {a_id!r} with {a_score:g} pts" if mine else "; no place was left elsewhere"
        return WhyNot("capacity", f"{mentor_id!r} is full (capacity {m.capacity}): taken by {who}{extra}",
                      taken_by=holders, **base)
    if mine is not None and diff is not None and diff >= 0:
        return WhyNot("lower_score", f"{mentor_id!r} scores {score:g}, {diff:g} less than the assigned "
                      f"{a_id!r} ({a_score:g})", **base)
    return WhyNot("not_candidate",
                  f"{mentor_id!r} has room and scores {score:g}, but was outside this mentee's k best "
                  "candidates, or (stable mode) the mentee preferred the assigned mentor, or (penalty 0) "
                  "pairing added nothing", **base)


def suggestions(problem: Problem, mentee_id: PersonId, n: int = 5, settings: Settings | None = None) -> list[Suggestion]:
    """Top-n mentors for one mentee with explanations (for "the mentee chooses among the top five"):
    hard rules and min_score apply, and mentors whose capacity is already full with locks are
    skipped. The mentee's own current choices are not counted in the score. Ties: lower mentor id."""
    settings = settings or Settings()
    e = _find(problem.mentees, mentee_id)
    if e is None:
        return []
    e = Mentee(id=e.id, goals=e.goals, department=e.department, location=e.location, timezone=e.timezone,
               formats=e.formats, choices=())
    used: dict[PersonId, int] = {}
    for mid, _eid in problem.locks:
        used[mid] = used.get(mid, 0) + 1
    rarity = skill_rarity(problem.mentors)
    floor = min_q(settings)
    scored = []
    for m in problem.mentors:
        if used.get(m.id, 0) >= m.capacity or pair_rules(problem, settings, m.id, e.id):
            continue
        ex = explain_pair(e, m, settings, rarity)
        q = round(ex.total * SCALE)
        if score_allows(dict(ex.components), settings) and q >= floor:
            scored.append((-q, m.id, ex))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [Suggestion(mentor_id=mid, score=ex.total, explanation=ex) for _q, mid, ex in scored[:n]]
