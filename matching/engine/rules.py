"""Hard rules in the engine: the rules of programs.rules, applied to whole blocks of pairs at once.

Nothing is decided here that programs.rules does not decide: the reporting chain walks up with
`programs.rules.managers`, grades are read with `programs.rules.grade_rank` and compared as
`grade_below` does, the scalar `pair_rules` is `programs.rules.pair_rules`. A test checks on random
data (loops in the supervisor data included) that the vectorised and the scalar forms agree on
every pair.

Per-pair rules (self, chain, ban, prior pair) are kept as a sparse mentees x mentors matrix of bit
masks, so a block of mentees is filtered with one slice and explanations can still name each rule.
The grade rule can forbid half of all pairs, so it is never stored per pair: `grade_block_mask`
computes it for a block from two small arrays (scale and step per person).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from programs import rules as the_rules
from programs.rules import in_reporting_chain, managers

from .types import CircleId, PersonId, Problem, ProblemError, Settings

SELF, CHAIN, BAN, PRIOR, GRADE = 1, 2, 4, 8, 16
RULE_NAMES = {
    SELF: the_rules.SELF, CHAIN: the_rules.CHAIN, BAN: the_rules.BAN, PRIOR: the_rules.PRIOR, GRADE: the_rules.GRADE,
}
RULE_TEXT = the_rules.RULE_TEXT


def rule_names(bits: int) -> tuple[str, ...]:
    return tuple(name for bit, name in RULE_NAMES.items() if bits & bit)


def in_chain(supervisors: Mapping[PersonId, PersonId], a: PersonId, b: PersonId) -> bool:
    return in_reporting_chain(supervisors, a, b)


def _grade_rule(problem: Problem, settings: Settings) -> bool:
    return bool(getattr(settings, "mentor_grade_at_or_above", False)) and bool(problem.grades)


def pair_rules(problem: Problem, settings: Settings, mentor_id: PersonId, mentee_id: PersonId) -> tuple[str, ...]:
    """The hard rules (names) that forbid this pair; () when allowed. Scalar twin of the block forms."""
    grade_rule = _grade_rule(problem, settings)
    if isinstance(mentor_id, CircleId):
        people = tuple(problem.circle_mentors.get(mentor_id, ()))
        grades = (
            {p: the_rules.grade_rank(problem.grades.get(p)) for p in (*people, mentee_id)} if grade_rule else None
        )
        broken = set(the_rules.circle_rules(mentors=people, mentee=mentee_id, supervisors=problem.supervisors,
                                            bans=problem.bans, grades=grades, grade_rule=grade_rule))
        # bans and earlier placements may also name the circle itself (a placement rejected in a parent run)
        if (mentor_id, mentee_id) in problem.bans:
            broken.add(the_rules.BAN)
        if not settings.allow_repeat_pairs and (mentor_id, mentee_id) in problem.prior_pairs:
            broken.add(the_rules.PRIOR)
        return tuple(r for r in the_rules.RULE_ORDER if r in broken)
    grades = (
        {p: the_rules.grade_rank(problem.grades.get(p)) for p in (mentor_id, mentee_id)} if grade_rule else None
    )
    return the_rules.pair_rules(
        mentor=mentor_id, mentee=mentee_id, supervisors=problem.supervisors, bans=problem.bans,
        prior_pairs=problem.prior_pairs, allow_repeat_pairs=settings.allow_repeat_pairs,
        grades=grades, grade_rule=grade_rule,
    )


def forbidden_matrix(
    problem: Problem,
    settings: Settings,
    e_index: Mapping[Hashable, int],
    m_index: Mapping[Hashable, int],
) -> sp.csr_matrix:
    """CSR (mentees x mentors) of int8 bit masks of the per-pair rules; absent entries are allowed.

    The grade rule is not in it (see grade_block_mask)."""
    rows: list[int] = []
    cols: list[int] = []
    bits: list[int] = []

    def add(e: int | None, m: int | None, bit: int) -> None:
        if e is not None and m is not None:
            rows.append(e)
            cols.append(m)
            bits.append(bit)

    # Circle units carry the rules of each of their mentors (programs.rules.circle_rules):
    # `units[person]` are the circle columns that person leads.
    units: dict[PersonId, list[int]] = {}
    for unit, people in problem.circle_mentors.items():
        col = m_index.get(unit)
        if col is not None:
            for person in people:
                units.setdefault(person, []).append(col)

    def add_all(e: int | None, person: PersonId, bit: int) -> None:
        add(e, m_index.get(person), bit)
        for col in units.get(person, ()):
            add(e, col, bit)

    # Each person's managers once: mentee -> their managers as mentors, mentor -> their managers as mentees.
    for pid, e in e_index.items():
        add_all(e, pid, SELF)
        for up in managers(problem.supervisors, pid):
            add_all(e, up, CHAIN)
    for pid, m in m_index.items():
        for person in problem.circle_mentors.get(pid, ()) if isinstance(pid, CircleId) else (pid,):
            for up in managers(problem.supervisors, person):
                add(e_index.get(up), m, CHAIN)
    for mentor_id, mentee_id in problem.bans:
        add_all(e_index.get(mentee_id), mentor_id, BAN)
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


@dataclass(frozen=True)
class GradeArrays:
    """Per mentee and per mentor: the grade's scale code (-1: unknown) and step. A circle unit's
    first mentor is in m_scale/m_step, its second in m2_scale/m2_step (-1 for everyone else)."""

    e_scale: np.ndarray
    e_step: np.ndarray
    m_scale: np.ndarray
    m_step: np.ndarray
    m2_scale: np.ndarray | None = None
    m2_step: np.ndarray | None = None


def grade_arrays(problem: Problem, settings: Settings, mentee_ids: list, mentor_ids: list) -> GradeArrays | None:
    """None when the grade rule is off (or nobody has a grade): then it costs nothing."""
    if not _grade_rule(problem, settings):
        return None
    scales: dict[str, int] = {}

    def encode(ids: list) -> tuple[np.ndarray, np.ndarray]:
        scale = np.full(len(ids), -1, dtype=np.int64)
        step = np.zeros(len(ids), dtype=np.int64)
        for i, pid in enumerate(ids):
            rank = the_rules.grade_rank(problem.grades.get(pid))
            if rank is not None:
                scale[i] = scales.setdefault(rank[0], len(scales))
                step[i] = rank[1]
        return scale, step

    e_scale, e_step = encode(mentee_ids)
    if not problem.circle_mentors:
        m_scale, m_step = encode(mentor_ids)
        return GradeArrays(e_scale, e_step, m_scale, m_step)
    first, second = [], []
    for pid in mentor_ids:
        people = tuple(problem.circle_mentors.get(pid, ())) if isinstance(pid, CircleId) else (pid,)
        if len(people) > 2:
            raise ProblemError(f"{pid!r} has {len(people)} mentors; a circle has one or two")
        first.append(people[0] if people else None)
        second.append(people[1] if len(people) > 1 else None)
    m_scale, m_step = encode(first)
    m2_scale, m2_step = encode(second)
    return GradeArrays(e_scale, e_step, m_scale, m_step, m2_scale, m2_step)


def grade_block_mask(grades: GradeArrays | None, rows: slice | np.ndarray) -> np.ndarray | None:
    """Bool (block x mentors): True where the grade rule forbids the pair; None when nothing is forbidden.

    Same test as programs.rules.grade_below: both known, one scale, the mentor's step lower."""
    if grades is None:
        return None
    es, ep = grades.e_scale[rows][:, None], grades.e_step[rows][:, None]
    ms, mp = grades.m_scale[None, :], grades.m_step[None, :]
    mask = (es >= 0) & (es == ms) & (mp < ep)
    if grades.m2_scale is not None:
        ms2, mp2 = grades.m2_scale[None, :], grades.m2_step[None, :]
        mask |= (es >= 0) & (es == ms2) & (mp2 < ep)
    return mask if mask.any() else None


def check_locks(
    problem: Problem, settings: Settings, capacity: Mapping[PersonId, int]
) -> None:
    """Locks are kept as they are, so they must be possible: known people, one lock per mentee,
    within capacity, and not against self/reporting-chain/ban/grade. A lock may repeat a prior pair
    or score below min_score: locking is the coordinator's explicit decision."""
    seen: set[PersonId] = set()
    used: dict[PersonId, int] = {}
    mentee_ids = {e.id for e in problem.mentees}
    for mentor_id, mentee_id in sorted(problem.locks):
        if mentor_id not in capacity or mentee_id not in mentee_ids:
            raise ProblemError(f"lock ({mentor_id!r}, {mentee_id!r}) names an unknown mentor or mentee")
        if mentee_id in seen:
            raise ProblemError(f"mentee {mentee_id!r} is locked to more than one mentor")
        seen.add(mentee_id)
        if not the_rules.has_room(capacity[mentor_id], used.get(mentor_id, 0)):
            raise ProblemError(f"locks exceed the capacity of mentor {mentor_id!r}")
        used[mentor_id] = used.get(mentor_id, 0) + 1
        broken = [r for r in pair_rules(problem, settings, mentor_id, mentee_id) if r != the_rules.PRIOR]
        if broken:
            raise ProblemError(f"lock ({mentor_id!r}, {mentee_id!r}) breaks hard rule(s): {', '.join(broken)}")
