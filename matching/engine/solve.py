"""Optimal assignment of the whole cohort, proven optimal over every allowed pair.

Production path (`solve`): a sparse candidate graph (each mentee's best k mentors by score,
ties spread by a seeded order, plus every allowed choice of theirs; locks are fixed beforehand
and use capacity) solved exactly as a min-cost flow with OR-Tools' SimpleMinCostFlow:

    mentee --(cap 1, cost -(q + P) * B)--> mentor --(r unit arcs, cost 0, 1, .., r-1)--> sink
    mentee --(cap 1, cost 0)-----------------------------------------------------------> sink

q = round(score * SCALE), P = round(unmatched_penalty * SCALE): integer costs, so the flow is
exact. The unit arcs make a mentor's j-th place cost j: among equal totals the flow spreads
mentees across mentors. B exceeds the largest possible sum of those place costs, so spreading
never costs a point of total score. Arcs enter the solver in a seeded order, so the ties left
after spreading fall the same way for the same seed, not by id.

The candidate graph is a heuristic, so certify.py then proves the flow optimal over the whole
admissible graph (dual prices, reduced gains of every pruned allowed pair), adding any pair
that could raise the total and solving again until none can (column generation).

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
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

from . import certify
from .explain import build_result
from .scoring import Prepared, block_allowed_q, block_rows, prepare
from .types import SCALE, Certificate, MatchResult, Problem, Settings


@dataclass
class Candidates:
    e: np.ndarray  # mentee index (sorted by e, then m)
    m: np.ndarray  # mentor index
    q: np.ndarray  # int64 scaled score
    rule_ok: np.ndarray  # per mentee: mentors left after hard rules
    ok: np.ndarray  # per mentee: of those, mentors at or above min_score
    bound: np.ndarray  # per mentee: no pruned allowed pair scores above this (-inf: nothing pruned)
    q_min: float  # lowest allowed scaled score seen (bounds the penalty cap)


_NEG = -1e9  # below any real scaled score (scores stay within +-1e6 points)
_COST_LIMIT = 2**62  # OR-Tools multiplies costs by about the node count: keep |cost| * nodes below
MAX_ROUNDS = 200  # certification rounds before giving up the proof (never reached in tests/bench)
ADD_PER_MENTEE = 30  # pairs with the best reduced gains added per priced mentee and round


def _workers() -> int:
    # numpy/scipy release the GIL in the heavy loops (sparse product, gathers, argpartition)
    return max(1, min(4, os.cpu_count() or 1))


def tie_order(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Seeded mentor orders and each mentee's order (see certify.tiebreak)."""
    rng = np.random.default_rng(p.settings.tie_seed)
    return certify.tie_table(p.nm, p.settings.tie_seed), rng.integers(0, certify.TIE_ORDERS, p.n)


def _blocks(n: int, nm: int, fn) -> list:
    step = block_rows(nm)
    with ThreadPoolExecutor(max_workers=_workers()) as pool:
        return list(pool.map(fn, range(0, n, step)))  # map keeps block order: deterministic


def candidates(p: Prepared, k: int | None = None) -> Candidates:
    """Each free mentee's best k mentors with capacity left (ties: seeded order), plus choices."""
    k = p.settings.k if k is None else k
    n, nm = p.n, p.nm
    full = np.flatnonzero(p.residual <= 0)
    rank, shift = tie_order(p)
    step = block_rows(nm)

    def block(lo: int) -> tuple[np.ndarray, ...]:
        hi = min(n, lo + step)
        q, rok = block_allowed_q(p, slice(lo, hi))
        ok = np.isfinite(q).sum(axis=1)
        locked = p.locked_mentor[lo:hi] >= 0
        if locked.any():
            q[locked] = -np.inf
        if full.size:
            q[:, full] = -np.inf
        bound = np.full(hi - lo, -np.inf)
        if k >= nm:
            r, c = np.nonzero(np.isfinite(q))
            fin = q[r, c]
        else:
            # a finite sentinel: argpartition slows down ~6x on rows full of equal -inf values
            np.maximum(q, _NEG, out=q)
            # ties ordered in place: q is integer, so q == ceil(key) wherever it is read back
            key = np.subtract(q, certify.tiebreak(rank, shift[lo:hi]), out=q)
            part = np.argpartition(key, nm - k - 1, axis=1)
            top = part[:, nm - k:]
            nxt = np.ceil(key[np.arange(hi - lo), part[:, nm - k - 1]])  # (k+1)-th best: bounds pruned pairs
            bound = np.where(nxt > _NEG, nxt, -np.inf)
            r = np.repeat(np.arange(hi - lo), k)
            c = top.reshape(-1)
            fin = np.ceil(key[r, c])
            keep = fin > _NEG
            r, c, fin = r[keep], c[keep], fin[keep]
            ch = p.choice[lo:hi].tocoo()
            if ch.nnz:
                chq = np.ceil(key[ch.row, ch.col])
                chok = chq > _NEG
                r = np.concatenate([r, ch.row[chok]])
                c = np.concatenate([c, ch.col[chok]])
                fin = np.concatenate([fin, chq[chok]])
        qmin = float(fin.min()) if fin.size else np.inf
        return r + lo, c, fin.astype(np.int64), rok, ok, bound, qmin

    parts = _blocks(n, nm, block)
    if not parts:
        z = np.zeros(0, np.int64)
        return Candidates(e=z, m=z, q=z, rule_ok=z, ok=z, bound=np.zeros(0), q_min=0.0)
    e, m, qv, rule_ok, ok, bound, _ = (np.concatenate(x) if i < 6 else x
                                        for i, x in enumerate(zip(*parts, strict=True)))
    key, first = np.unique(e.astype(np.int64) * nm + m, return_index=True)
    q_min = min((x[6] for x in parts), default=0.0)
    return Candidates(e=(key // nm), m=(key % nm), q=qv[first], rule_ok=rule_ok.astype(np.int64),
                      ok=ok.astype(np.int64), bound=bound, q_min=q_min)


@dataclass
class Scale:
    """How integer scores become flow costs (fixed for all rounds of one solve)."""

    pen: int  # unmatched penalty used (scaled units; capped when huge: same optimum)
    B: int  # weight of one scaled score unit against the spreading costs
    spread: int  # cost of each further place at one mentor (0: spreading off)


def flow_scale(p: Prepared, c: Candidates) -> Scale:
    free = int((p.locked_mentor < 0).sum())
    top = int(max(np.abs(c.q).max() if c.q.size else 0, abs(c.q_min) if np.isfinite(c.q_min) else 0))
    # Any penalty above the largest possible total score already puts cardinality first, so a
    # huge one is capped there: same optimum, and costs stay far inside OR-Tools' int64 range.
    pen = min(p.pen_q, (top + 1) * (free + 1))
    room = np.maximum(p.residual, 0)
    B = int((room * (room - 1) // 2).sum()) + 1
    nodes = p.n + p.nm + 2
    if B > 1 and (top + pen + 1) * B * nodes >= _COST_LIMIT:
        return Scale(pen=pen, B=1, spread=0)  # too big to weigh exactly: ties by seeded order only
    return Scale(pen=pen, B=B, spread=1 if B > 1 else 0)


@dataclass
class Flow:
    assigned: np.ndarray  # mentor index per mentee or -1 (locks included)
    q_of: np.ndarray  # scaled score of each mentee's non-locked pair
    ce: np.ndarray  # arcs in the network: mentee, mentor, composite gain, carries flow
    cm: np.ndarray
    gain: np.ndarray
    matched: np.ndarray
    load: np.ndarray  # non-locked mentees per mentor


def flow_assign(p: Prepared, e: np.ndarray, m: np.ndarray, q: np.ndarray, sc: Scale) -> Flow:
    """Min-cost flow over the given pairs (see the module docstring)."""
    n, nm = p.n, p.nm
    assigned = p.locked_mentor.copy()
    q_of = np.zeros(n, np.int64)
    free = np.flatnonzero(assigned < 0)
    use = (q + sc.pen) >= 0  # a pair worth less than staying unmatched is not admissible
    ce, cm, cq = e[use], m[use], q[use]
    gain = (cq + sc.pen) * sc.B
    load = np.zeros(nm, np.int64)
    matched = np.zeros(ce.size, bool)
    if free.size == 0 or ce.size == 0:
        return Flow(assigned, q_of, ce, cm, gain, matched, load)
    sink = n + nm
    mentors = np.flatnonzero(p.residual > 0)
    room = p.residual[mentors]
    if sc.spread:
        um = np.repeat(mentors, room)
        uj = np.arange(um.size) - np.repeat(np.cumsum(room) - room, room)  # 0..r-1 per mentor
        ut, ucap, ucost = n + um, np.ones(um.size, np.int64), uj * sc.spread
    else:
        ut, ucap, ucost = n + mentors, room, np.zeros(mentors.size, np.int64)
    order = np.random.default_rng(p.settings.tie_seed).permutation(ce.size)  # seeded tie order
    tails = np.concatenate([ce[order], ut, free]).astype(np.int32)
    heads = np.concatenate([n + cm[order], np.full(ut.size, sink), np.full(free.size, sink)]).astype(np.int32)
    caps = np.concatenate([np.ones(ce.size, np.int64), ucap, np.ones(free.size, np.int64)])
    costs = np.concatenate([-gain[order], ucost, np.zeros(free.size, np.int64)]).astype(np.int64)
    f = min_cost_flow.SimpleMinCostFlow()
    arcs = f.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(n + nm + 1, np.int64)
    supplies[free] = 1
    supplies[sink] = -free.size
    f.set_nodes_supplies(np.arange(n + nm + 1, dtype=np.int32), supplies)
    status = f.solve()
    if status != f.OPTIMAL:
        raise RuntimeError(f"min cost flow failed with status {status}")
    matched[order] = f.flows(arcs[: ce.size]) > 0
    assigned[ce[matched]] = cm[matched]
    q_of[ce[matched]] = cq[matched]
    load = np.bincount(cm[matched], minlength=nm).astype(np.int64)
    return Flow(assigned, q_of, ce, cm, gain, matched, load)


def price(p: Prepared, c: Candidates, sc: Scale, pot: certify.Potentials, e: np.ndarray, m: np.ndarray,
          add_k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Pairs outside the graph (e, m) with a positive reduced gain: (mentee, mentor, q, rows scored)."""
    n, nm = p.n, p.nm
    free = p.locked_mentor < 0
    fin = np.isfinite(c.bound)
    bound_gain = np.where(fin, c.bound, 0.0) + sc.pen
    flagged = np.flatnonzero(free & fin & (bound_gain * sc.B > pot.u))
    if flagged.size == 0:
        z = np.zeros(0, np.int64)
        return z, z, z, 0
    in_graph = sp.csr_matrix((np.ones(e.size, bool), (e, m)), shape=(n, nm))
    full = np.flatnonzero(p.residual <= 0)
    rank, shift = tie_order(p)
    v = pot.v.astype(np.float64)
    u = pot.u.astype(np.float64)
    step = block_rows(nm)

    def block(lo: int):
        rows = flagged[lo:lo + step]
        q, _ = block_allowed_q(p, rows)
        if full.size:
            q[:, full] = -np.inf
        g = in_graph[rows].tocoo()
        q[g.row, g.col] = -np.inf
        r, col, _R = certify.price_rows(q, rows, u, v, sc.pen, sc.B, certify.tiebreak(rank, shift[rows]), add_k)
        return rows[r], col, q[r, col].astype(np.int64)

    parts = _blocks(flagged.size, nm, block)
    ne, nmn, nq = (np.concatenate(x) for x in zip(*parts, strict=True))
    return ne, nmn, nq, int(flagged.size)


def solve(problem: Problem, settings: Settings | None = None) -> MatchResult:
    """Optimal pairs for the whole cohort, with a certificate (see module docstring); every pair
    carries its explanation."""
    settings = settings or Settings()
    t0 = time.perf_counter()
    p = prepare(problem, settings)
    c = candidates(p)
    t1 = time.perf_counter()
    sc = flow_scale(p, c)
    e, m, q = c.e, c.m, c.q
    rounds = added = scored = 0
    flow_s = price_s = 0.0
    add_k = ADD_PER_MENTEE
    proven = False
    pot = None
    z = np.zeros(0, np.int64)
    re_, rm_, rq_ = z, z, z  # reserve: pairs taken out of the flow's graph, still checked each round
    while rounds < MAX_ROUNDS:
        ta = time.perf_counter()
        flow = flow_assign(p, e, m, q, sc)
        pot = certify.potentials(p.n, p.nm, np.flatnonzero(p.locked_mentor < 0), flow.ce, flow.cm, flow.gain,
                                 flow.matched, flow.load, np.maximum(p.residual, 0), sc.spread, pot)
        tb = time.perf_counter()
        back = ((rq_ + sc.pen) * sc.B - pot.u[re_] - pot.v[rm_] > 0) & (rq_ + sc.pen >= 0)
        ne, nmn, nq, rows = price(p, c, sc, pot, np.concatenate([e, re_]), np.concatenate([m, rm_]), add_k)
        tc = time.perf_counter()
        flow_s, price_s, rounds, scored = flow_s + tb - ta, price_s + tc - tb, rounds + 1, scored + rows
        if ne.size == 0 and not back.any():
            proven = True
            break
        added += int(ne.size)
        e, m, q = (np.concatenate([a, ra[back], na]) for a, ra, na in ((e, re_, ne), (m, rm_, nmn), (q, rq_, nq)))
        re_, rm_, rq_ = re_[~back], rm_[~back], rq_[~back]
        if rounds == 1:
            # After the first round, pairs whose reduced gain is below -1 point leave the flow's
            # graph (a smaller flow each round) but stay in the reserve, checked exactly every
            # round; once only, so the graph only grows afterwards and the loop ends.
            rg = (q + sc.pen) * sc.B - pot.u[e] - pot.v[m]
            out = (rg < -SCALE * sc.B) & (flow.assigned[e] != m)
            re_, rm_, rq_ = e[out], m[out], q[out]
            e, m, q = e[~out], m[~out], q[~out]
    t2 = time.perf_counter()
    den = float(sc.B * SCALE)
    cert = Certificate(
        proven=proven, rounds=rounds, pairs_added=added, tie_seed=settings.tie_seed, spread=bool(sc.spread),
        penalty=sc.pen / SCALE,
        mentee_price={p.mentees[i].id: float(pot.u[i]) / den for i in range(p.n)},
        # mentors without a place left after locks are outside the network: they have no price
        mentor_price={p.mentors[j].id: float(pot.v[j]) / den for j in np.flatnonzero(p.residual > 0).tolist()},
    )
    graph = (np.concatenate([e, re_]), np.concatenate([m, rm_]), np.concatenate([q, rq_]), c.bound)
    res = build_result(p, flow.assigned, "optimal", {}, c.rule_ok, c.ok, flow.q_of, graph=graph, certificate=cert)
    t3 = time.perf_counter()
    stats = {"build_s": t1 - t0, "solve_s": flow_s, "certify_s": price_s, "explain_s": t3 - t2,
             "candidates": float(c.e.size), "rounds": float(rounds), "pairs_added": float(added),
             "rows_priced": float(scored)}
    return replace(res, stats=stats, certificate=cert)


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
