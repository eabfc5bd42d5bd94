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
    Certificate,
    CircleId,
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
                 rule_ok: np.ndarray, ok: np.ndarray, q_of: np.ndarray, graph: tuple | None = None,
                 certificate: Certificate | None = None) -> MatchResult:
    """Turn mentor-index-per-mentee into a MatchResult with explanations and unmatched reasons.
    q_of holds, per mentee, the scaled score of its (non-locked) pair as the solver saw it;
    graph = (mentee, mentor, q, bound) of the certified solve's final pair graph, if any."""
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
    unmatched = unmatched_reasons(p, assigned, rule_ok, ok, q_of, graph, certificate)
    return MatchResult(pairs=tuple(pairs), unmatched=unmatched, total_score=float(sum(x.score for x in pairs)),
                       objective=objective, settings=p.settings, mode=mode, stats=dict(stats),
                       certificate=certificate)


_TOP = 3  # best allowed mentors named for an unmatched mentee


def _best_from_graph(p: Prepared, rows: np.ndarray, graph: tuple, room: np.ndarray):
    """From the pair graph: per row, its best _TOP mentors (-1 padded) and best q with a free mentor."""
    ge, gm, gq, _bound = graph
    pos = np.full(p.n, -1)
    pos[rows] = np.arange(rows.size)
    sel = pos[ge] >= 0
    r, c, q = pos[ge[sel]], gm[sel], gq[sel].astype(np.float64)
    top = np.full((rows.size, _TOP), -1, np.int64)
    free_q = np.full(rows.size, -np.inf)
    if r.size:
        order = np.lexsort((c, -q, r))
        r, c, q = r[order], c[order], q[order]
        first = np.searchsorted(r, np.arange(rows.size))
        rank = np.arange(r.size) - first[r]
        keep = rank < _TOP
        top[r[keep], rank[keep]] = c[keep]
        fr = room[c] > 0
        np.maximum.at(free_q, r[fr], q[fr])
    return top, free_q


def _best_from_scan(p: Prepared, rows: np.ndarray, room: np.ndarray):
    """Same as _best_from_graph, by scoring the rows against every mentor (blocks of rows)."""
    top = np.full((rows.size, _TOP), -1, np.int64)
    free_q = np.full(rows.size, -np.inf)
    has_room = room > 0
    step = block_rows(p.nm)
    kk = min(_TOP, p.nm)
    for lo in range(0, rows.size, step):
        q, _ = block_allowed_q(p, rows[lo:lo + step])
        if has_room.any():
            free_q[lo:lo + q.shape[0]] = q[:, has_room].max(axis=1)
        best = np.argsort(-np.where(np.isfinite(q), q, -1e18), axis=1, kind="stable")[:, :kk]
        fin = np.isfinite(np.take_along_axis(q, best, axis=1))
        top[lo:lo + q.shape[0], :kk] = np.where(fin, best, -1)
    return top, free_q


def unmatched_reasons(p: Prepared, assigned: np.ndarray, rule_ok: np.ndarray, ok: np.ndarray,
                      q_of: np.ndarray, graph: tuple | None = None,
                      certificate: Certificate | None = None) -> tuple[Unmatched, ...]:
    """Why each unmatched mentee has no mentor, checked against the result (never "full" while an
    allowed mentor has a free place). With a certified graph, mentees whose every allowed mentor
    is in the graph are answered from it; only the others are scored, in vectorised blocks."""
    idx = np.flatnonzero(assigned < 0)
    load = np.bincount(assigned[assigned >= 0], minlength=p.nm)
    room = p.capacity - load
    out: dict[int, Unmatched] = {}
    rest = []
    for i in idx.tolist():
        eid = p.mentees[i].id
        if rule_ok[i] == 0:
            out[i] = Unmatched(eid, "no_allowed_mentor", "every mentor is removed by a hard rule")
        elif ok[i] == 0:
            out[i] = Unmatched(eid, "below_min_score",
                               f"all {int(rule_ok[i])} allowed mentors are below the minimum: they teach none of "
                               f"the goals' gaps, or score under {p.settings.min_score:g}")
        else:
            rest.append(i)
    rows = np.asarray(rest, np.int64)
    if rows.size == 0:
        return tuple(out[i] for i in sorted(out))
    if graph is not None:
        top, free_q = _best_from_graph(p, rows, graph, room)
        # a free mentor outside the graph matters only if the graph does not already hold one
        scan = np.flatnonzero(np.isfinite(graph[3][rows]) & ~np.isfinite(free_q)) if (room > 0).any() else []
        if len(scan):
            t2, f2 = _best_from_scan(p, rows[scan], room)
            top[scan], free_q[scan] = t2, f2
    else:
        top, free_q = _best_from_scan(p, rows, room)
    takers = np.argsort(assigned, kind="stable")
    starts = np.searchsorted(assigned[takers], np.arange(p.nm))
    ends = np.searchsorted(assigned[takers], np.arange(p.nm), side="right")
    pen = certificate.penalty if certificate else p.settings.unmatched_penalty
    mp = certificate.mentor_price if certificate else None
    for r, i in enumerate(rows.tolist()):
        eid = p.mentees[i].id
        if np.isfinite(free_q[r]):
            pts = free_q[r] / SCALE
            if free_q[r] + round(pen * SCALE) <= 0:
                out[i] = Unmatched(eid, "no_gain",
                                   f"an allowed mentor has a free place, but the best such pair scores {pts:g} pts "
                                   f"and leaving the mentee unmatched costs {pen:g}: pairing would not raise the total")
            else:
                out[i] = Unmatched(eid, "free_place",
                                   f"an allowed mentor with a free place scores {pts:g} pts; this mode did not use it")
            continue
        taken, parts = [], []
        for j in top[r].tolist():
            if j < 0:
                break
            who = tuple(p.mentees[t].id for t in takers[starts[j]:ends[j]].tolist())
            m = p.mentors[j]
            if who:
                text = f"{m.id!r} full with " + ", ".join(repr(x) for x in who)
            else:
                text = f"{m.id!r} has no places" if p.capacity[j] == 0 else f"{m.id!r} full with locked pairs"
            if mp is not None and m.id in mp:  # mentors full with locks have no price
                q = _q_of_pair(p, i, j)
                rg = (q / SCALE + pen) - mp[m.id] - certificate.mentee_price[eid]
                text += f" (reduced gain {rg:+.3f} pts)"
            taken.append((m.id, who))
            parts.append(text)
        head = ("every allowed mentor is full with a pair that scores higher overall" if certificate
                else "every allowed mentor is full")
        out[i] = Unmatched(eid, "full", head + ("; best: " + "; ".join(parts) if parts else ""), tuple(taken))
    return tuple(out[i] for i in sorted(out))


def _q_of_pair(p: Prepared, i: int, j: int) -> float:
    return float(round(sum(pair_components(p.mentees[i], p.mentors[j], p.settings, p.rarity).values()) * SCALE))


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
    cert = result.certificate
    rg = None
    if cert is not None and e.id in cert.mentee_price and m.id in cert.mentor_price:
        rg = (round(score * SCALE) / SCALE + cert.penalty) - cert.mentee_price[e.id] - cert.mentor_price[m.id]
        base["reduced_gain"] = rg
    proof = (f" The certificate's reduced gain for this pair is {rg:+.3f} pts (score + penalty - both prices): "
             "it cannot raise the total." if rg is not None else "")
    if len(holders) >= m.capacity:
        who = ", ".join(f"{t!r} ({s:g} pts)" for t, s in holders) or "nobody (no places)"
        extra = f"; {mentee_id!r} got {a_id!r} with {a_score:g} pts" if mine else "; no place was left elsewhere"
        return WhyNot("capacity", f"{mentor_id!r} is full (capacity {m.capacity}): taken by {who}{extra}.{proof}",
                      taken_by=holders, **base)
    if mine is not None and diff is not None and diff >= 0:
        return WhyNot("lower_score", f"{mentor_id!r} scores {score:g}, {diff:g} less than the assigned "
                      f"{a_id!r} ({a_score:g}).{proof}", **base)
    if cert is not None and mine is None:
        return WhyNot("no_gain", f"{mentor_id!r} has room, but the pair scores {score:g} and leaving "
                      f"{mentee_id!r} unmatched costs {cert.penalty:g}: pairing would not raise the total.{proof}",
                      **base)
    return WhyNot("not_chosen",
                  f"{mentor_id!r} has room and scores {score:g}, but this {result.mode} result did not pair them "
                  "(in stable mode the mentee preferred the assigned mentor, or the pair added nothing)", **base)


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
        if isinstance(m.id, CircleId):
            continue  # circles are applied to on their own page, not ranked with mentors
        if used.get(m.id, 0) >= m.capacity or pair_rules(problem, settings, m.id, e.id):
            continue
        ex = explain_pair(e, m, settings, rarity)
        q = round(ex.total * SCALE)
        if score_allows(dict(ex.components), settings) and q >= floor:
            scored.append((-q, m.id, ex))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [Suggestion(mentor_id=mid, score=ex.total, explanation=ex) for _q, mid, ex in scored[:n]]
