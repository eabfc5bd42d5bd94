"""Certificate of optimality for the sparse solve: dual prices, reduced gains, column generation.

The min-cost flow of solve.py runs on a candidate graph (each mentee's best k mentors). That
graph is a heuristic; this module proves the answer is the optimum over *every* allowed pair,
or finds the pairs that could improve it:

1. From the solved flow, build its residual graph and compute shortest-path distances d from a
   virtual root (Bellman-Ford, vectorised, relaxing only the arcs out of nodes that changed).
   With no negative cycle (the flow is optimal on its graph) every residual arc (i, j) then has a
   non-negative reduced cost c(i, j) + d(i) - d(j): d are node potentials (dual prices).
2. In price terms: mentee price u_e = d(e) - d(sink) >= 0 (0 when unmatched), mentor price
   v_m = d(sink) - d(m) >= 0 (0 with a free place, spreading aside). A pair outside the graph
   has reduced gain  gain(e, m) - u_e - v_m.
3. If no allowed pair outside the graph has a positive reduced gain, the same potentials are
   feasible for the residual graph of the *whole* admissible graph, so it has no negative cycle
   either: the flow is optimal there (the min-cost-flow optimality condition). Proven.
4. Otherwise the pairs with the largest positive reduced gains are added and the flow is solved
   again; the graph only grows, so this ends (column generation).

Pricing never scores the whole cohort again: each mentee's best pruned score is bounded by its
(k+1)-th best score (kept when the candidates were chosen), so only mentees whose price is below
that bound are scored, in blocks of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Potentials:
    u: np.ndarray  # per mentee (composite units: gain * B + spread), 0 for locked mentees
    v: np.ndarray  # per mentor
    passes: int
    d: np.ndarray  # raw distances (a warm start for the next round)


def _arcs_from(indptr: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Indices of the arcs leaving `nodes` in a CSR-by-tail arc list (vectorised ranges)."""
    starts, ends = indptr[nodes], indptr[nodes + 1]
    counts = ends - starts
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return offsets + np.arange(total)


def shortest_distances(n_nodes: int, tail: np.ndarray, head: np.ndarray, cost: np.ndarray,
                       d0: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """Bellman-Ford from a virtual root joined to every node x by an arc of cost d0[x] (0 by
    default). Any d0 gives feasible potentials (the root only adds arcs leaving it, so no cycle);
    the previous round's distances make a warm start that settles in fewer passes.

    Queue-based (only arcs out of nodes whose distance fell are relaxed), each pass vectorised.
    Raises RuntimeError on a negative cycle: the flow it came from would not be optimal."""
    order = np.argsort(tail, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    indptr = np.zeros(n_nodes + 1, np.int64)
    np.cumsum(np.bincount(tail, minlength=n_nodes), out=indptr[1:])
    d = np.zeros(n_nodes, np.int64) if d0 is None else d0.astype(np.int64).copy()
    active = np.unique(tail)
    passes = 0
    while active.size:
        passes += 1
        if passes > n_nodes + 1:
            raise RuntimeError("negative cycle in the residual graph: the flow is not optimal")
        a = _arcs_from(indptr, active)
        cand = d[tail[a]] + cost[a]
        better = cand < d[head[a]]
        if not better.any():
            break
        h, c = head[a][better], cand[better]
        np.minimum.at(d, h, c)
        active = np.unique(h)
    return d, passes


def potentials(n: int, nm: int, free: np.ndarray, ce: np.ndarray, cm: np.ndarray, gain: np.ndarray,
               matched: np.ndarray, load: np.ndarray, room: np.ndarray, spread: int,
               warm: Potentials | None = None) -> Potentials:
    """Prices from the residual graph of an optimal flow.

    Nodes: mentees 0..n-1, mentors n..n+nm-1, sink n+nm. The network (see solve.flow_assign):
    mentee -> mentor arcs with cost -gain, mentor -> sink unit arcs costing j * spread for the
    j-th place (j from 0), mentee -> sink (unmatched) at cost 0. A mentee's supply is 1 and no arc
    enters it, so its out-arcs never carry more than 1: treating them as uncapacitated changes
    no feasible flow and gives their forward residual arcs always (so u_e >= 0). An extra
    sink -> mentor arc at cost 0 creates no cycle cheaper than one already there (an empty
    mentor can only go back to the sink), which gives v_m >= 0."""
    sink = n + nm
    mentors = np.flatnonzero(room > 0)
    unmatched = free[~np.isin(free, ce[matched])] if ce.size else free
    L = load[mentors]
    r = room[mentors]
    has_room = L < r
    tails = [ce, n + cm[matched], free, np.full(unmatched.size, sink),
             n + mentors[has_room], np.full(mentors.size, sink)]
    heads = [n + cm, ce[matched], np.full(free.size, sink), unmatched,
             np.full(int(has_room.sum()), sink), n + mentors]
    costs = [-gain, gain[matched], np.zeros(free.size, np.int64), np.zeros(unmatched.size, np.int64),
             (L[has_room] * spread).astype(np.int64), np.where(L > 0, -(L - 1) * spread, 0).astype(np.int64)]
    d, passes = shortest_distances(n + nm + 1, np.concatenate(tails).astype(np.int64),
                                   np.concatenate(heads).astype(np.int64), np.concatenate(costs).astype(np.int64),
                                   None if warm is None else np.minimum(warm.d, 0))
    u = d[:n] - d[sink]
    v = d[sink] - d[n:n + nm]
    u[np.setdiff1d(np.arange(n), free)] = 0
    return Potentials(u=u, v=v, passes=passes, d=d)


TIE_ORDERS = 64  # seeded mentor orders; mentee i uses order i's group (cheap: one row gather)


def tie_table(nm: int, seed: int) -> np.ndarray:
    """TIE_ORDERS random orders of the mentors as values in [0, 1) (row g: order g)."""
    rng = np.random.default_rng(seed)
    ranks = np.argsort(rng.random((TIE_ORDERS, max(nm, 1))), axis=1)[:, :nm]
    return ranks * (1.0 / (nm + 1))


def tiebreak(table: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """A value in [0, 1) per (mentee row, mentor column), from the mentee's seeded mentor order:
    equal scores go to different mentors for different mentees (never by id), the same way on
    every run with the same seed. Subtracted from integer scores it orders ties only."""
    return table[groups]


def price_rows(q: np.ndarray, rows: np.ndarray, u: np.ndarray, v: np.ndarray, pen: int, B: int,
               tb: np.ndarray, add_k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One block of pricing. q: scaled scores of `rows` against every mentor, -inf where the pair
    is not allowed or already in the graph. Returns (row, mentor, reduced gain) of up to add_k
    pairs per row with a positive reduced gain, largest first (ties by tb)."""
    g = q + pen
    R = g * B - u[rows][:, None] - v[None, :]
    R[~(g >= 0)] = -np.inf  # also -inf rows of q: nan-free since q is -inf, not nan
    pos = R > 0
    if not pos.any():
        z = np.zeros(0, np.int64)
        return z, z, np.zeros(0)
    key = np.where(pos, R - tb, -np.inf)
    kk = min(add_k, q.shape[1])
    top = np.argpartition(key, q.shape[1] - kk, axis=1)[:, q.shape[1] - kk:]
    r = np.repeat(np.arange(q.shape[0]), kk)
    c = top.reshape(-1)
    keep = pos[r, c]
    return r[keep], c[keep], R[r[keep], c[keep]]
