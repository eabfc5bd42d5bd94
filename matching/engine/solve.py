"""Optimal assignment of the whole cohort.

Production path (`solve`): a sparse candidate graph (each mentee's best k mentors by score,
plus every allowed choice of theirs; locks are fixed beforehand and use capacity) solved exactly
as a min-cost flow with OR-Tools' SimpleMinCostFlow:

    mentee --(cap 1, cost -(q + P))--> mentor --(cap residual capacity)--> sink
    mentee --(cap 1, cost 0)---------------------------------------------> sink   (unmatched)

q = round(score * SCALE) and P = round(unmatched_penalty * SCALE): integer costs, so the flow is
exact for the scaled scores.  Maximising sum(q + P) over matched mentees equals maximising
total score minus P per unmatched mentee; a large P makes cardinality come first.

`solve_dense` (the test oracle; also used by the benchmark) scores every pair and runs
scipy's linear_sum_assignment over capacity-expanded mentor columns. `solve_greedy` is a
baseline for the benchmark.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

from .explain import build_result
from .scoring import Prepared, block_allowed_q, block_rows, prepare
from .types import MatchResult, Problem, Settings


@dataclass
class Candidates:
    e: np.ndarray  # mentee index (sorted by e, then m)
    m: np.ndarray  # mentor index
    q: np.ndarray  # int64 scaled score
    rule_ok: np.ndarray  # per mentee: mentors left after hard rules
    ok: np.ndarray  # per mentee: of those, mentors at or above min_score


_NEG = -1e9  # below any real scaled score (scores stay within +-1e6 points)


def _workers() -> int:
    # numpy/scipy release the GIL in the heavy loops (sparse product, gathers, argpartition)
    return max(1, min(4, os.cpu_count() or 1))


def candidates(p: Prepared, k: int | None = None) -> Candidates:
    """Each free mentee's best k mentors with capacity left (ties: lower mentor id), plus choices."""
    k = p.settings.k if k is None else k
    n, nm = p.n, p.nm
    full = np.flatnonzero(p.residual <= 0)
    tiebreak = np.arange(nm) / (nm + 1.0)  # < 1 scaled unit: prefers lower ids among equal q

    def block(lo: int) -> tuple[np.ndarray, ...]:
        hi = min(n, lo + step)
        q, rok = block_allowed_q(p, slice(lo, hi))
        ok = np.isfinite(q).sum(axis=1)
        locked = p.locked_mentor[lo:hi] >= 0
        if locked.any():
            q[locked] = -np.inf
        if full.size:
            q[:, full] = -np.inf
        if k >= nm:
            r, c = np.nonzero(np.isfinite(q))
        else:
            # a finite sentinel: argpartition slows down ~6x on rows full of equal -inf values
            np.maximum(q, _NEG, out=q)
            top = np.argpartition(q - tiebreak, nm - k, axis=1)[:, nm - k:]
            r = np.repeat(np.arange(hi - lo), k)
            c = top.reshape(-1)
            keep = q[r, c] > _NEG
            r, c = r[keep], c[keep]
            ch = p.choice[lo:hi].tocoo()
            if ch.nnz:
                chok = q[ch.row, ch.col] > _NEG
                r = np.concatenate([r, ch.row[chok]])
                c = np.concatenate([c, ch.col[chok]])
        return r + lo, c, q[r, c].astype(np.int64), rok, ok

    step = block_rows(nm)
    starts = list(range(0, n, step))
    with ThreadPoolExecutor(max_workers=_workers()) as pool:
        parts = list(pool.map(block, starts))  # map keeps block order: deterministic
    if not parts:
        z = np.zeros(0, np.int64)
        return Candidates(e=z, m=z, q=z, rule_ok=z, ok=z)
    e, m, qv, rule_ok, ok = (np.concatenate(x) for x in zip(*parts, strict=True))
    key, first = np.unique(e.astype(np.int64) * nm + m, return_index=True)
    return Candidates(e=(key // nm), m=(key % nm), q=qv[first], rule_ok=rule_ok.astype(np.int64),
                      ok=ok.astype(np.int64))


def flow_assign(p: Prepared, c: Candidates) -> tuple[np.ndarray, np.ndarray]:
    """Min-cost flow over the candidate graph; returns (mentor index per mentee or -1, q per mentee)."""
    n, nm = p.n, p.nm
    assigned = p.locked_mentor.copy()
    q_of = np.zeros(n, np.int64)
    free = np.flatnonzero(assigned < 0)
    if free.size == 0 or c.e.size == 0:
        return assigned, q_of
    sink = n + nm
    # Any penalty above the largest possible total score already puts cardinality first, so a
    # huge one is capped there: same optimum, and costs stay far inside OR-Tools' int64 range.
    top = int(np.abs(c.q).max()) if c.q.size else 0
    gain = c.q + min(p.pen_q, (top + 1) * (free.size + 1))
    use = gain >= 0  # a pair worth less than staying unmatched never helps
    ce, cm, cq, gain = c.e[use], c.m[use], c.q[use], gain[use]
    mentors = np.flatnonzero(p.residual > 0)
    tails = np.concatenate([ce, n + mentors, free]).astype(np.int32)
    heads = np.concatenate([n + cm, np.full(mentors.size, sink), np.full(free.size, sink)]).astype(np.int32)
    caps = np.concatenate([np.ones(ce.size, np.int64), p.residual[mentors], np.ones(free.size, np.int64)])
    costs = np.concatenate([-gain, np.zeros(mentors.size + free.size, np.int64)])
    f = min_cost_flow.SimpleMinCostFlow()
    arcs = f.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(n + nm + 1, np.int64)
    supplies[free] = 1
    supplies[sink] = -free.size
    f.set_nodes_supplies(np.arange(n + nm + 1, dtype=np.int32), supplies)
    status = f.solve()
    if status != f.OPTIMAL:
        raise RuntimeError(f"min cost flow failed with status {status}")
    flows = f.flows(arcs[: ce.size])
    hit = flows > 0
    assigned[ce[hit]] = cm[hit]
    q_of[ce[hit]] = cq[hit]
    return assigned, q_of


def solve(problem: Problem, settings: Settings | None = None) -> MatchResult:
    """Optimal pairs for the whole cohort (see module docstring); every pair carries its explanation."""
    settings = settings or Settings()
    t0 = time.perf_counter()
    p = prepare(problem, settings)
    c = candidates(p)
    t1 = time.perf_counter()
    assigned, q_of = flow_assign(p, c)
    t2 = time.perf_counter()
    res = build_result(p, assigned, "optimal", {}, c.rule_ok, c.ok, q_of)
    t3 = time.perf_counter()
    stats = {"build_s": t1 - t0, "solve_s": t2 - t1, "explain_s": t3 - t2, "candidates": float(c.e.size)}
    return replace(res, stats=stats)


def dense_q(p: Prepared) -> np.ndarray:
    """Full mentees x mentors matrix of scaled scores, -inf where not allowed (tests, bench)."""
    out = np.empty((p.n, p.nm))
    step = block_rows(p.nm)
    for lo in range(0, p.n, step):
        hi = min(p.n, lo + step)
        out[lo:hi] = block_allowed_q(p, slice(lo, hi))[0]
    return out


def solve_dense(problem: Problem, settings: Settings | None = None) -> MatchResult:
    """Test oracle: linear_sum_assignment over every allowed pair and capacity-expanded columns."""
    settings = settings or Settings()
    t0 = time.perf_counter()
    p = prepare(problem, settings)
    Q = dense_q(p)
    rule_ok = p.nm - np.diff(p.forbidden.indptr)
    ok = np.isfinite(Q).sum(axis=1)
    assigned = p.locked_mentor.copy()
    q_of = np.zeros(p.n, np.int64)
    free = np.flatnonzero(assigned < 0)
    slots = np.repeat(np.arange(p.nm), np.maximum(p.residual, 0))
    t1 = time.perf_counter()
    if free.size and slots.size:
        V = Q[np.ix_(free, slots)] + p.pen_q
        allowed = np.isfinite(V) & (V >= 0)
        V = np.where(allowed, V, 0.0)
        rows, cols = linear_sum_assignment(V, maximize=True)
        keep = allowed[rows, cols]
        assigned[free[rows[keep]]] = slots[cols[keep]]
        q_of[free[rows[keep]]] = Q[free[rows[keep]], slots[cols[keep]]].astype(np.int64)
    t2 = time.perf_counter()
    return build_result(p, assigned, "dense", {"build_s": t1 - t0, "solve_s": t2 - t1}, rule_ok, ok, q_of)


def solve_greedy(problem: Problem, settings: Settings | None = None) -> MatchResult:
    """Baseline: take candidate pairs best score first while capacity lasts."""
    settings = settings or Settings()
    t0 = time.perf_counter()
    p = prepare(problem, settings)
    c = candidates(p)
    t1 = time.perf_counter()
    assigned = p.locked_mentor.copy()
    q_of = np.zeros(p.n, np.int64)
    left = p.residual.copy()
    gain = c.q + p.pen_q
    order = np.lexsort((c.m, c.e, -c.q))
    for i in order[gain[order] >= 0].tolist():
        e, m = int(c.e[i]), int(c.m[i])
        if assigned[e] < 0 and left[m] > 0:
            assigned[e] = m
            q_of[e] = c.q[i]
            left[m] -= 1
    t2 = time.perf_counter()
    return build_result(p, assigned, "greedy", {"build_s": t1 - t0, "solve_s": t2 - t1}, c.rule_ok, c.ok,
                        q_of)
