"""Stable mode: mentee-proposing deferred acceptance with capacities, and blocking-pair checks.

Preferences (both respect hard rules and min_score; mentors full with locks take nobody new):
  * a mentee ranks their own choices first (1st, 2nd, 3rd...), then every other mentor by score
    (ties: lower mentor id);
  * a mentor ranks mentees by their own stated wishes first (the skills they most want to teach,
    among the goals they cover, and the mentee departments they asked for: `pair_mentor_wish`),
    then by score (ties: lower mentee id). A mentor who stated nothing ranks by score alone.
Mentee lists start as the candidate graph (best k + choices) and are extended to every acceptable
mentor when exhausted, so the result is stable against the whole pool, not just the k best.
"""

from __future__ import annotations

import heapq
import time
from collections import deque

import numpy as np

from .explain import build_result
from .scoring import Prepared, block_allowed_q, block_rows, pair_mentor_wish, prepare
from .solve import candidates
from .types import SCALE, MatchResult, PersonId, Problem, Settings

_NO_RANK = np.iinfo(np.int64).max


def _ranks(p: Prepared, e: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Choice rank (1-based) of each (mentee, mentor) pair, _NO_RANK when not a choice."""
    if e.size == 0:
        return np.zeros(0, np.int64)
    r = np.asarray(p.choice_rank[e, m]).ravel().astype(np.int64)
    r[r == 0] = _NO_RANK
    return r


def _wish_q(p: Prepared, e: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The mentor's wishes for each pair in scaled integer units (their first ranking key)."""
    return np.rint(pair_mentor_wish(p, e, m) * SCALE).astype(np.int64)


def _ordered(p: Prepared, i: int, m: np.ndarray, q: np.ndarray) -> list[tuple[int, int, int]]:
    rank = _ranks(p, np.full(m.size, i), m)
    order = np.lexsort((m, -q, rank))
    m, q = m[order], q[order].astype(np.int64)
    return list(zip(m.tolist(), q.tolist(), _wish_q(p, np.full(m.size, i), m).tolist(), strict=True))


def _full_list(p: Prepared, i: int) -> list[tuple[int, int, int]]:
    q, _ = block_allowed_q(p, np.array([i]))
    q = q[0]
    q[p.residual <= 0] = -np.inf
    m = np.flatnonzero(np.isfinite(q))
    return _ordered(p, i, m, q[m])


def solve_stable(problem: Problem, settings: Settings | None = None) -> MatchResult:
    settings = settings or Settings()
    t0 = time.perf_counter()
    p = prepare(problem, settings)
    c = candidates(p)
    t1 = time.perf_counter()
    n = p.n
    truncated = settings.k < p.nm
    rank = _ranks(p, c.e, c.m)
    order = np.lexsort((c.m, -c.q, rank, c.e))
    em, eq = c.m[order].tolist(), c.q[order].tolist()
    ew = _wish_q(p, c.e[order], c.m[order]).tolist()
    bounds = np.searchsorted(c.e[order], np.arange(n + 1)).tolist()
    lists: dict[int, list[tuple[int, int, int]]] = {}
    ptr = [0] * n
    assigned = p.locked_mentor.copy()
    q_of = np.zeros(n, np.int64)
    held: list[list[tuple[int, int, int]]] = [[] for _ in range(p.nm)]  # (wish, q, -mentee) min-heaps
    room = p.residual.tolist()
    free = deque(np.flatnonzero(assigned < 0).tolist())
    extended = [False] * n
    while free:
        i = free.popleft()
        while True:
            if i in lists:
                lst = lists[i]
                if ptr[i] >= len(lst):
                    break
                j, q, wish = lst[ptr[i]]
            else:
                pos = bounds[i] + ptr[i]
                if pos >= bounds[i + 1]:
                    if truncated and not extended[i]:
                        extended[i] = True
                        lists[i] = _full_list(p, i)
                        continue
                    break
                j, q, wish = em[pos], eq[pos], ew[pos]
            ptr[i] += 1
            h = held[j]
            if len(h) < room[j]:
                heapq.heappush(h, (wish, q, -i))
            elif h and (wish, q, -i) > h[0]:
                _ww, _wq, wneg = heapq.heapreplace(h, (wish, q, -i))
                assigned[-wneg] = -1
                free.append(-wneg)
            else:
                continue
            assigned[i] = j
            q_of[i] = q
            break
    t2 = time.perf_counter()
    return build_result(p, assigned, "stable", {"build_s": t1 - t0, "solve_s": t2 - t1}, c.rule_ok, c.ok, q_of)


def blocking_pairs(problem: Problem, result: MatchResult) -> list[tuple[PersonId, PersonId]]:
    """(mentor_id, mentee_id) pairs that would both rather be together than in `result` (any result:
    optimal, stable, greedy...), under the stable-mode preferences. Locked pairs never block."""
    p = prepare(problem, result.settings)
    n, nm = p.n, p.nm
    assigned = np.full(n, -1, np.int64)
    for pair in result.pairs:
        assigned[p.e_index[pair.mentee_id]] = p.m_index[pair.mentor_id]
    movable = (assigned >= 0) & (p.locked_mentor < 0)
    step = block_rows(nm)
    q_cur = np.full(n, -np.inf)
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        q, _ = block_allowed_q(p, slice(lo, hi))
        r = np.flatnonzero(movable[lo:hi])
        # a pair the rules forbid (e.g. from another run) still has a score for comparisons
        q_cur[lo + r] = q[r, assigned[lo + r]]
    held = np.zeros(nm, np.int64)
    np.add.at(held, assigned[movable], 1)
    mov = np.flatnonzero(movable)
    w_cur = np.zeros(n, np.int64)
    w_cur[mov] = _wish_q(p, mov, assigned[mov])
    # each mentor's least wanted current mentee, by the mentor's key (wish, q, -mentee)
    ww = np.full(nm, np.iinfo(np.int64).max)
    wq = np.full(nm, np.inf)
    wi = np.full(nm, -1, np.int64)
    for i in mov.tolist():
        j = assigned[i]
        if (w_cur[i], q_cur[i], -i) < (ww[j], wq[j], -wi[j]):
            ww[j], wq[j], wi[j] = w_cur[i], q_cur[i], i
    has_room = held < p.residual
    out = []
    cols = np.arange(nm)
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        q, _ = block_allowed_q(p, slice(lo, hi))
        q[:, p.residual <= 0] = -np.inf
        rank = p.choice_rank[lo:hi].toarray().astype(np.int64)
        rank[rank == 0] = _NO_RANK
        rr, cc = np.divmod(np.arange((hi - lo) * nm), nm)
        wish = _wish_q(p, rr + lo, cc).reshape(hi - lo, nm)
        for r in range(hi - lo):
            i = lo + r
            if p.locked_mentor[i] >= 0:
                continue
            qr, rk = q[r], rank[r]
            ok = np.isfinite(qr)
            a = assigned[i]
            if a >= 0:
                ok[a] = False
                if rk[a] != _NO_RANK:
                    better = rk < rk[a]
                else:
                    qa = q_cur[i]
                    better = (rk != _NO_RANK) | (qr > qa) | ((qr == qa) & (cols < a))
                ok &= better
            if not ok.any():
                continue
            js = np.flatnonzero(ok)
            wr = wish[r, js]
            takes = has_room[js] | (wr > ww[js]) | (
                (wr == ww[js]) & ((qr[js] > wq[js]) | ((qr[js] == wq[js]) & (i < wi[js]))))
            out.extend((p.mentors[j].id, p.mentees[i].id) for j in js[takes].tolist())
    return sorted(out, key=lambda t: (t[1], t[0]))
