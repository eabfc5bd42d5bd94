"""Hard rules: which (mentor, mentee) pairs may never be proposed, and why.

Rules are kept as a sparse mentees x mentors matrix whose values are bit masks, so a whole
block of mentees is filtered with one slice, and explanations can still name each rule.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import numpy as np
import scipy.sparse as sp

from .types import PersonId, Problem, ProblemError, Settings

SELF, CHAIN, BAN, PRIOR = 1, 2, 4, 8
RULE_NAMES = {SELF: "self", CHAIN: "reporting_chain", BAN: "ban", PRIOR: "prior_pair"}
RULE_TEXT = {
    "self": "a person cannot mentor themself",
    "reporting_chain": "they are in one reporting chain (supervisor or supervisor's supervisor)",
    "ban": "the coordinator banned this pair",
    "prior_pair": "they were paired in an earlier cycle and repeats are not allowed",
}


def rule_names(bits: int) -> tuple[str, ...]:
    return tuple(name for bit, name in RULE_NAMES.items() if bits & bit)


def _ups(supervisors: Mapping[PersonId, PersonId], person: PersonId) -> list[PersonId]:
    """Supervisor and supervisor's supervisor (ignoring self-loops)."""
    out = []
    s1 = supervisors.get(person)
    if s1 is not None and s1 != person:
        out.append(s1)
        s2 = supervisors.get(s1)
        if s2 is not None and s2 != person and s2 != s1:
            out.append(s2)
    return out


def in_chain(supervisors: Mapping[PersonId, PersonId], a: PersonId, b: PersonId) -> bool:
    return b in _ups(supervisors, a) or a in _ups(supervisors, b)


def pair_rules(problem: Problem, settings: Settings, mentor_id: PersonId, mentee_id: PersonId) -> tuple[str, ...]:
    """The hard rules (names) that forbid this pair; () when allowed. Scalar twin of forbidden_matrix."""
    bits = 0
    if mentor_id == mentee_id:
        bits |= SELF
    if in_chain(problem.supervisors, mentor_id, mentee_id):
        bits |= CHAIN
    if (mentor_id, mentee_id) in problem.bans:
        bits |= BAN
    if not settings.allow_repeat_pairs and (mentor_id, mentee_id) in problem.prior_pairs:
        bits |= PRIOR
    return rule_names(bits)


def forbidden_matrix(
    problem: Problem,
    settings: Settings,
    e_index: Mapping[Hashable, int],
    m_index: Mapping[Hashable, int],
) -> sp.csr_matrix:
    """CSR (mentees x mentors) of int8 rule bit masks; absent entries are allowed pairs."""
    rows: list[int] = []
    cols: list[int] = []
    bits: list[int] = []

    def add(e: int | None, m: int | None, bit: int) -> None:
        if e is not None and m is not None:
            rows.append(e)
            cols.append(m)
            bits.append(bit)

    for pid, e in e_index.items():
        add(e, m_index.get(pid), SELF)
        for up in _ups(problem.supervisors, pid):
            add(e, m_index.get(up), CHAIN)
    for pid, m in m_index.items():
        for up in _ups(problem.supervisors, pid):
            add(e_index.get(up), m, CHAIN)
    for mentor_id, mentee_id in problem.bans:
        add(e_index.get(mentee_id), m_index.get(mentor_id), BAN)
    if not settings.allow_repeat_pairs:
        for mentor_id, mentee_id in problem.prior_pairs:
            add(e_index.get(mentee_id), m_index.get(mentor_id), PRIOR)

    n, nm = len(e_index), len(m_index)
    if not rows:
        return sp.csr_matrix((n, nm), dtype=np.int8)
    key = np.asarray(rows, dtype=np.int64) * nm + np.asarray(cols, dtype=np.int64)
    uniq, inv = np.unique(key, return_inverse=True)
    data = np.zeros(len(uniq), dtype=np.int8)
    np.bitwise_or.at(data, inv, np.asarray(bits, dtype=np.int8))
    mat = sp.csr_matrix((data, (uniq // nm, uniq % nm)), shape=(n, nm))
    mat.sort_indices()
    return mat


def check_locks(problem: Problem, settings: Settings, capacity: Mapping[PersonId, int]) -> None:
    """Locks are kept as they are, so they must be possible: known people, one lock per mentee,
    within capacity, and not against self/reporting-chain/ban. A lock may repeat a prior pair or
    score below min_score: locking is the coordinator's explicit decision."""
    seen: set[PersonId] = set()
    used: dict[PersonId, int] = {}
    mentee_ids = {e.id for e in problem.mentees}
    for mentor_id, mentee_id in sorted(problem.locks):
        if mentor_id not in capacity or mentee_id not in mentee_ids:
            raise ProblemError(f"lock ({mentor_id!r}, {mentee_id!r}) names an unknown mentor or mentee")
        if mentee_id in seen:
            raise ProblemError(f"mentee {mentee_id!r} is locked to more than one mentor")
        seen.add(mentee_id)
        used[mentor_id] = used.get(mentor_id, 0) + 1
        if used[mentor_id] > capacity[mentor_id]:
            raise ProblemError(f"locks exceed the capacity of mentor {mentor_id!r}")
        broken = [r for r in pair_rules(problem, settings, mentor_id, mentee_id) if r != "prior_pair"]
        if broken:
            raise ProblemError(f"lock ({mentor_id!r}, {mentee_id!r}) breaks hard rule(s): {', '.join(broken)}")
