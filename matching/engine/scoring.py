"""Pair scores: vectorised for blocks of mentees or for any list of pairs, and a scalar twin.

score(mentor, mentee) = skill + knowledge_transfer + mentor_skill          (skill fit: decides)
                        + cross_department + location + timezone + format
                        + mentor_department                                 (context: bounded)
                        + choice                                            (the mentee's ranking)
                        + met_wish        (they met at speed rounds and one wished to work together)

Skill fit is a priority-weighted mean over the mentee's open goals (current < target) of the
share of each goal's gap the mentor can teach, so listing more goals never raises a score:

    a_g  = priority weight of goal g / sum of the mentee's priority weights
    gap_g(L) = clip((min(L, target) - current) / (target - current), 0, 1)   (L: level taught)
    fit  = sum_g a_g * gap_g(L)                                   in [0, 1]
    skill = w.skill * (skill_base + (1 - skill_base) * fit)   when fit > 0, else 0

Settings refuses weights whose context span reaches w.skill * skill_base, so a mentor who
teaches none of the goals never outranks one who closes part of one. Knowledge transfer and the
mentor's wish to teach a skill are means over covered goals with the same a_g (0 without fit).

Memory does not grow with the skill catalogue: goals are a sparse mentees x (skill, current,
target) matrix G of a_g, and what mentors teach is a sparse (skill, current, target) x mentors
matrix of gap shares; their product gives the fit of every pair that shares a skill. Context
depends on a few attributes, so people are grouped into classes and a class x class table is
gathered. `block_scores` (rows x every mentor) and `pair_scores` (any vector of pairs) apply
the same floating-point operations in the same order, so they agree to the bit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import scipy.sparse as sp

from .rules import GradeArrays, check_locks, forbidden_matrix, grade_arrays, grade_block_mask
from .types import FORMATS, SCALE, CircleId, Goal, Mentee, Mentor, Problem, ProblemError, Settings

_FMT_BIT = {f: 1 << i for i, f in enumerate(FORMATS)}
_IN_PERSON = _FMT_BIT["in_person"]
_UTC_RE = re.compile(r"^(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_TABLE_LIMIT = 8_000_000  # class x class context table cells kept whole; beyond, built per block
_MAX_OFFSET = 14.0  # Kiribati is UTC+14, Baker Island UTC-12: anything beyond is not a time zone


@lru_cache(maxsize=4096)
def tz_hours(value: str | float | int | None, reference: datetime) -> float:
    """UTC offset in hours of an IANA name, "UTC+5:30"-style text or a number; nan if unknown.
    A number that is no UTC offset (infinite, beyond +-14 h) is a ProblemError, not a distance."""
    if value is None or value == "":
        return math.nan
    if isinstance(value, (int, float)):
        v = float(value)
        if math.isnan(v):
            return math.nan
        if not abs(v) <= _MAX_OFFSET:
            raise ProblemError(f"time zone {value!r} is not a UTC offset (between -14 and +14 hours)")
        return v
    text = str(value).strip()
    if text.upper() in ("UTC", "GMT", "Z"):
        return 0.0
    m = _UTC_RE.match(text)
    if m:
        sign = -1.0 if m.group(1) == "-" else 1.0
        return sign * (int(m.group(2)) + int(m.group(3) or 0) / 60.0)
    try:
        ref = reference if reference.tzinfo else reference.replace(tzinfo=UTC)
        off = ref.astimezone(ZoneInfo(text)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return math.nan
    return off.total_seconds() / 3600.0 if off is not None else math.nan


def tz_distance(a, b):
    """Hours between two UTC offsets the short way round the date line (0-12); arrays broadcast.
    Auckland (+12) and Honolulu (-10) are 2 hours apart, not 22."""
    d = np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) % 24.0
    return np.minimum(d, 24.0 - d)


def fmt_mask(formats) -> int:
    return sum(_FMT_BIT.get(f, 0) for f in set(formats))


def priority_multiplier(settings: Settings, priority: int) -> float:
    pw = settings.weights.priority
    return float(pw[min(max(int(priority), 1), len(pw)) - 1])


def min_q(settings: Settings) -> float:
    """The minimum score in scaled units; -inf when the cycle matches everyone."""
    ms = settings.effective_min_score
    return float(round(ms * SCALE)) if math.isfinite(ms) else -math.inf


def choice_points(settings: Settings, rank: int) -> float:
    ch = settings.weights.choice
    return float(ch[min(rank, len(ch) - 1)]) if ch else 0.0


def skill_rarity(mentors) -> dict[Hashable, float]:
    """1 / number of mentors in the pool who hold the skill (any level >= 1, teaching or not).
    Circle units are not people and do not count: adding a circle never changes a pair's score."""
    holders: dict[Hashable, int] = {}
    for m in mentors:
        if isinstance(m.id, CircleId):
            continue
        for s, (level, _teach) in m.skills.items():
            if level >= 1:
                holders[s] = holders.get(s, 0) + 1
    return {s: 1.0 / c for s, c in holders.items()}


def goal_levels(g: Goal) -> tuple[int, int]:
    """(current, target) clamped to the proficiency scale: target 1-4, current 0-4."""
    return min(max(int(g.current), 0), 4), min(max(int(g.target), 1), 4)


def gap_share(level: int, current: int, target: int) -> float:
    """Share of the gap current -> target that a mentor teaching at `level` can close."""
    if current >= target:
        return 0.0
    return min(max((min(level, target) - current) / (target - current), 0.0), 1.0)


def open_goals(e: Mentee, settings: Settings) -> list[tuple[Goal, float]]:
    """The mentee's goals still to reach, each with its weight a_g in the mean (sums to 1)."""
    goals = [g for g in e.goals if goal_levels(g)[0] < goal_levels(g)[1]]
    raw = [priority_multiplier(settings, g.priority) for g in goals]
    total = sum(raw)
    return [(g, r / total) for g, r in zip(goals, raw, strict=True)]


def skill_points(settings: Settings, fit):
    """Skill points from a fit in [0, 1] (scalars or arrays): the base for any fit, then linear."""
    w = settings.weights
    fit = np.asarray(fit, dtype=np.float64)
    return np.where(fit > 0, w.skill * w.skill_base + (w.skill * (1.0 - w.skill_base)) * fit, 0.0)


def penalty_q(settings: Settings, n_mentees: int) -> int:
    """Scaled points lost per unmatched mentee. Matching everyone means more than any total the
    pairs could score, so the number matched comes first."""
    pen = int(round(settings.unmatched_penalty * SCALE))
    if settings.match_everyone:
        pen = max(pen, int(math.ceil(settings.weights.max_points() * SCALE)) * (n_mentees + 1) + 1)
    return pen


def score_allows(components: dict[str, float], settings: Settings) -> bool:
    """Does the minimum let this pair be proposed (hard rules aside)? Needs some skill fit and a
    score of at least min_score, unless the cycle matches everyone."""
    if settings.match_everyone:
        return True
    return components.get("skill", 0.0) > 0 and round(sum(components.values()) * SCALE) >= min_q(settings)


# ------------------------------------------------------------------ scalar twin (explanations)


def context_components(e: Mentee, m: Mentor, settings: Settings) -> dict[str, float]:
    w = settings.weights
    same_loc = e.location is not None and e.location == m.location
    cross = e.department is not None and m.department is not None and e.department != m.department
    te, tm = tz_hours(e.timezone, settings.tz_reference), tz_hours(m.timezone, settings.tz_reference)
    tz = 0.0 if math.isnan(te) or math.isnan(tm) else max(0.0, 1.0 - float(tz_distance(te, tm)) / settings.tz_window_hours)
    both = fmt_mask(e.formats) & fmt_mask(m.formats)
    share = bool(both & ~_IN_PERSON) or (bool(both & _IN_PERSON) and same_loc)
    wished = e.department is not None and e.department in m.prefers_departments
    return {
        "cross_department": w.cross_department if cross else 0.0,
        "location": w.location if same_loc else 0.0,
        "timezone": w.timezone * tz,
        "format": w.format if share else 0.0,
        "mentor_department": w.mentor_department if wished else 0.0,
    }


def goal_parts(e: Mentee, m: Mentor, settings: Settings, rarity: dict) -> list[tuple[float, float, int]]:
    """Per goal of e.goals: (skill points, knowledge-transfer + mentor-wish points, level the mentor
    teaches). Their sum is the pair's skill, knowledge_transfer and mentor_skill components; the
    base (any fit) is shared among covered goals by weight. Goals already reached earn nothing."""
    w = settings.weights
    weight = {id(g): a for g, a in open_goals(e, settings)}
    rows = []
    for g in e.goals:
        level, teach = m.skills.get(g.skill, (0, False))
        lt = min(max(int(level), 0), 4) if teach else 0
        a = weight.get(id(g), 0.0)
        rows.append((g, a, lt, gap_share(lt, *goal_levels(g)) if a else 0.0))
    covered = sum(a for _g, a, _lt, f in rows if f > 0)
    out = []
    for g, a, lt, f in rows:
        if f <= 0:
            out.append((0.0, 0.0, lt))
            continue
        base = w.skill * w.skill_base * a / covered
        extra = a * (w.knowledge_transfer * rarity.get(g.skill, 0.0) * m.retirement_eligible
                     + w.mentor_skill * (g.skill in m.prefers_teaching))
        out.append((base + w.skill * (1.0 - w.skill_base) * a * f, extra, lt))
    return out


def pair_components(e: Mentee, m: Mentor, settings: Settings, rarity: dict) -> dict[str, float]:
    w = settings.weights
    fit = kt = wish = 0.0
    for g, a in open_goals(e, settings):
        level, teach = m.skills.get(g.skill, (0, False))
        f = gap_share(min(max(int(level), 0), 4) if teach else 0, *goal_levels(g))
        if f > 0:
            fit += a * f
            kt += a * (w.knowledge_transfer * rarity.get(g.skill, 0.0) * m.retirement_eligible)
            wish += a * (w.mentor_skill * (g.skill in m.prefers_teaching))
    comps = {"skill": float(skill_points(settings, fit)), "knowledge_transfer": kt, "mentor_skill": wish}
    comps.update(context_components(e, m, settings))
    rank = next((i for i, c in enumerate(e.choices) if c == m.id), None)
    comps["choice"] = choice_points(settings, rank) if rank is not None else 0.0
    comps["met_wish"] = settings.weights.met_wish if m.id in e.met else 0.0
    return comps


def mentor_wish_points(e: Mentee, m: Mentor, settings: Settings) -> float:
    """How much the mentor's own stated wishes favour this mentee (stable mode's mentor side)."""
    w = settings.weights
    wish = sum(a * w.mentor_skill for g, a in open_goals(e, settings)
               if g.skill in m.prefers_teaching and m.skills.get(g.skill, (0, False))[1]
               and gap_share(min(max(int(m.skills[g.skill][0]), 0), 4), *goal_levels(g)) > 0)
    return wish + (w.mentor_department if e.department is not None and e.department in m.prefers_departments else 0.0)


# ------------------------------------------------------------------ vectorised


@dataclass
class Prepared:
    """Arrays for one (problem, settings); mentees and mentors are sorted by id."""

    problem: Problem
    settings: Settings
    mentees: list[Mentee]
    mentors: list[Mentor]
    e_index: dict
    m_index: dict
    G: sp.csr_matrix  # mentees x (skill, current, target) combos: a_g, each mentee's row sums to 1
    F: sp.csr_matrix  # combos x mentors: share of the gap the mentor can close (only > 0 stored)
    X: sp.csr_matrix  # combos x mentors: knowledge-transfer + mentor-wish points where F > 0
    F_key: np.ndarray  # sorted row * nm + col of F's entries (pair lookups)
    X_key: np.ndarray
    W: sp.csr_matrix  # combos x mentors: mentor-wish points (prefers teaching) where F > 0
    W_key: np.ndarray
    e_dept: np.ndarray  # mentee department code (-1: none)
    m_set: np.ndarray  # mentor's wished-departments set id (0: none)
    ke: np.ndarray  # mentee context class
    km: np.ndarray  # mentor context class
    e_cls: tuple  # class attribute arrays (dept, loc, tz, fmt)
    m_cls: tuple  # (dept, loc, tz, fmt, wished-departments set id)
    wish_sets: np.ndarray  # bool (sets x departments): does the set hold the department
    table: np.ndarray | None  # full context table when small enough
    choice: sp.csr_matrix  # mentees x mentors choice points
    choice_rank: sp.csr_matrix  # mentees x mentors, rank + 1 of each choice
    forbidden: sp.csr_matrix  # mentees x mentors rule bit masks
    capacity: np.ndarray
    residual: np.ndarray  # capacity left after locks
    locked_mentor: np.ndarray  # per mentee: mentor index of its lock, -1 if none
    rarity: dict
    min_q: float  # min_score in scaled units (-inf when the cycle matches everyone)
    pen_q: int
    requires_skill: bool
    grades: GradeArrays | None = None  # the grade rule, applied per block (None: off)

    @property
    def n(self) -> int:
        return len(self.mentees)

    @property
    def nm(self) -> int:
        return len(self.mentors)


def _encode(values, codes: dict) -> np.ndarray:
    out = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        out[i] = -1 if v is None else codes.setdefault(v, len(codes))
    return out


def _classes(*attrs):
    """Group rows with equal attributes into classes; returns (class per row, attribute arrays)."""
    cols = [np.where(np.isnan(a), -1e9, a) if a.dtype.kind == "f" else a.astype(np.float64) for a in attrs]
    uniq, inv = np.unique(np.stack(cols, axis=1), axis=0, return_inverse=True)
    out = []
    for k, a in enumerate(attrs):
        col = uniq[:, k]
        out.append(np.where(col == -1e9, np.nan, col) if a.dtype.kind == "f" else col.astype(np.int64))
    return inv.reshape(-1), tuple(out)


def _context(settings: Settings, ec: tuple, mc: tuple, wish_sets: np.ndarray) -> np.ndarray:
    """Context points of broadcastable mentee (ec) and mentor (mc) class attributes. The one
    formula behind the class table, the per-block fallback and pair lookups."""
    w = settings.weights
    de, le, te, fe = ec
    dm, lm, tm, fm, sm = mc
    same_loc = (le == lm) & (le >= 0)
    out = np.where((de != dm) & (de >= 0) & (dm >= 0), w.cross_department, 0.0)
    out = out + np.where(same_loc, w.location, 0.0)
    tzv = np.clip(1.0 - tz_distance(te, tm) / settings.tz_window_hours, 0.0, 1.0)
    out = out + w.timezone * np.nan_to_num(tzv, nan=0.0)
    both = fe & fm
    share = ((both & ~_IN_PERSON) != 0) | (((both & _IN_PERSON) != 0) & same_loc)
    out = out + np.where(share, w.format, 0.0)
    if wish_sets.shape[1]:
        de_b, sm_b = np.broadcast_arrays(de, sm)
        wished = wish_sets[sm_b, np.maximum(de_b, 0)] & (de_b >= 0)
        out = out + np.where(wished, w.mentor_department, 0.0)
    return out


def context_table(settings: Settings, ec: tuple, mc: tuple, wish_sets: np.ndarray) -> np.ndarray:
    """Rows: mentee classes ec; columns: mentor classes mc."""
    return _context(settings, tuple(a[:, None] for a in ec), tuple(a[None, :] for a in mc), wish_sets)


def _sorted_keys(mat: sp.csr_matrix, nm: int) -> np.ndarray:
    rows = np.repeat(np.arange(mat.shape[0], dtype=np.int64), np.diff(mat.indptr))
    return rows * nm + mat.indices.astype(np.int64)


def prepare(problem: Problem, settings: Settings) -> Prepared:
    mentees = sorted(problem.mentees, key=lambda x: x.id)
    mentors = sorted(problem.mentors, key=lambda x: x.id)
    e_index = {e.id: i for i, e in enumerate(mentees)}
    m_index = {m.id: j for j, m in enumerate(mentors)}
    if len(e_index) != len(mentees) or len(m_index) != len(mentors):
        raise ProblemError("duplicate mentee or mentor ids")
    n, nm = len(mentees), len(mentors)
    w = settings.weights
    rarity = skill_rarity(mentors)

    # goals: G (mentees x combos) of a_g; only open goals, each mentee's weights sum to 1
    combos: dict[tuple, int] = {}
    gr, gc, gv = [], [], []
    for i, e in enumerate(mentees):
        for g, a in open_goals(e, settings):
            c = combos.setdefault((g.skill, *goal_levels(g)), len(combos))
            gr.append(i)
            gc.append(c)
            gv.append(a)
    G = sp.csr_matrix((np.asarray(gv, float), (np.asarray(gr, np.int64), np.asarray(gc, np.int64))),
                      shape=(n, len(combos)))
    G.sort_indices()
    by_skill: dict[Hashable, list[tuple[int, int, int]]] = {}
    for (s, cur, t), c in combos.items():
        by_skill.setdefault(s, []).append((c, cur, t))

    # what mentors teach, sparse: only (combo, mentor) cells where the mentor closes some gap
    fr, fc, fv, xv, wv = [], [], [], [], []
    for j, m in enumerate(mentors):
        for s, (level, teach) in m.skills.items():
            lt = min(max(int(level), 0), 4) if teach else 0
            if lt < 1 or s not in by_skill:
                continue
            wish = w.mentor_skill * (s in m.prefers_teaching)
            extra = w.knowledge_transfer * rarity.get(s, 0.0) * m.retirement_eligible + wish
            for c, cur, t in by_skill[s]:
                f = gap_share(lt, cur, t)
                if f > 0:
                    fr.append(c)
                    fc.append(j)
                    fv.append(f)
                    xv.append(extra)
                    wv.append(wish)
    fr_a, fc_a = np.asarray(fr, np.int64), np.asarray(fc, np.int64)
    F = sp.csr_matrix((np.asarray(fv, float), (fr_a, fc_a)), shape=(len(combos), nm))
    X = sp.csr_matrix((np.asarray(xv, float), (fr_a, fc_a)), shape=(len(combos), nm))
    W = sp.csr_matrix((np.asarray(wv, float), (fr_a, fc_a)), shape=(len(combos), nm))
    for mat in (X, W):
        mat.eliminate_zeros()
    for mat in (F, X, W):
        mat.sort_indices()

    # context classes
    dcodes: dict = {}
    lcodes: dict = {}
    ref = settings.tz_reference
    e_attr = (_encode([e.department for e in mentees], dcodes), _encode([e.location for e in mentees], lcodes),
              np.array([tz_hours(e.timezone, ref) for e in mentees], float),
              np.array([fmt_mask(e.formats) for e in mentees], np.int64))
    m_dept = _encode([m.department for m in mentors], dcodes)
    m_attr_rest = (_encode([m.location for m in mentors], lcodes),
                   np.array([tz_hours(m.timezone, ref) for m in mentors], float),
                   np.array([fmt_mask(m.formats) for m in mentors], np.int64))
    # a mentor's wished departments, as one id per distinct set (set 0: no wish)
    set_ids: dict[frozenset, int] = {frozenset(): 0}
    m_set = np.array([set_ids.setdefault(frozenset(d for d in m.prefers_departments if d in dcodes), len(set_ids))
                      for m in mentors], np.int64)
    wish_sets = np.zeros((len(set_ids), len(dcodes) if len(set_ids) > 1 else 0), dtype=bool)
    if wish_sets.shape[1]:
        for depts, sid in set_ids.items():
            for d in depts:
                wish_sets[sid, dcodes[d]] = True
    ke, e_cls = _classes(*e_attr)
    km, m_cls = _classes(m_dept, *m_attr_rest, m_set)
    table = (context_table(settings, e_cls, m_cls, wish_sets)
             if len(e_cls[0]) * len(m_cls[0]) <= _TABLE_LIMIT else None)

    # choices
    cr, cc, cv, ck = [], [], [], []
    for i, e in enumerate(mentees):
        seen = set()
        for rank, mid in enumerate(e.choices):
            j = m_index.get(mid)
            if j is None or j in seen:
                continue
            seen.add(j)
            cr.append(i)
            cc.append(j)
            cv.append(choice_points(settings, rank))
            ck.append(rank + 1)
    cr_a, cc_a = np.asarray(cr, np.int64), np.asarray(cc, np.int64)
    choice_rank = sp.csr_matrix((np.asarray(ck, np.int64), (cr_a, cc_a)), shape=(n, nm))
    # Speed-round wishes ride in the same per-pair matrix as choices (duplicates add up), so every
    # scoring path and the candidate lists (choices are always kept) see them; not in choice_rank.
    if settings.weights.met_wish:
        for i, e in enumerate(mentees):
            for mid in sorted(e.met, key=str):
                j = m_index.get(mid)
                if j is not None:
                    cr.append(i)
                    cc.append(j)
                    cv.append(settings.weights.met_wish)
        cr_a, cc_a = np.asarray(cr, np.int64), np.asarray(cc, np.int64)
    choice = sp.csr_matrix((np.asarray(cv, float), (cr_a, cc_a)), shape=(n, nm))
    choice.sort_indices()

    capacity = np.array([max(int(m.capacity), 0) for m in mentors], dtype=np.int64)
    check_locks(problem, settings, {m.id: int(capacity[j]) for j, m in enumerate(mentors)})
    locked_mentor = np.full(n, -1, dtype=np.int64)
    residual = capacity.copy()
    for mentor_id, mentee_id in problem.locks:
        j = m_index[mentor_id]
        locked_mentor[e_index[mentee_id]] = j
        residual[j] -= 1

    pen_q = penalty_q(settings, n)
    return Prepared(
        problem=problem, settings=settings, mentees=mentees, mentors=mentors, e_index=e_index, m_index=m_index,
        G=G, F=F, X=X, F_key=_sorted_keys(F, nm), X_key=_sorted_keys(X, nm), W=W, W_key=_sorted_keys(W, nm),
        e_dept=e_attr[0], m_set=m_set,
        ke=ke, km=km, e_cls=e_cls, m_cls=m_cls, wish_sets=wish_sets, table=table,
        choice=choice, choice_rank=choice_rank,
        forbidden=forbidden_matrix(problem, settings, e_index, m_index),
        capacity=capacity, residual=residual, locked_mentor=locked_mentor, rarity=rarity,
        min_q=min_q(settings), pen_q=pen_q, requires_skill=settings.requires_skill,
        grades=grade_arrays(problem, settings, [e.id for e in mentees], [m.id for m in mentors]),
    )


def _skill_dense(p: Prepared, G: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """(points, fit > 0) of the given goal rows against every mentor."""
    rows = G.shape[0]
    S = np.zeros((rows, p.nm))
    fit = (G @ p.F).tocoo()
    S[fit.row, fit.col] = skill_points(p.settings, fit.data)
    covered = np.zeros((rows, p.nm), dtype=bool)
    covered[fit.row, fit.col] = True
    ext = (G @ p.X).tocoo()
    S[ext.row, ext.col] += ext.data
    return S, covered


def block_scores(p: Prepared, rows: slice | np.ndarray, with_fit: bool = False):
    """Float scores (points) of the given mentees against every mentor, ignoring hard rules.
    with_fit also returns the bool matrix "the mentor closes part of a goal"."""
    S, covered = _skill_dense(p, p.G[rows])
    ke = p.ke[rows]
    if p.table is not None:
        ctx = p.table[ke]
    else:
        uk, inv = np.unique(ke, return_inverse=True)
        ec = tuple(a[uk] for a in p.e_cls)
        ctx = context_table(p.settings, ec, p.m_cls, p.wish_sets)[inv.reshape(-1)]
    S += ctx[:, p.km]
    ch = p.choice[rows].tocoo()
    if ch.nnz:
        S[ch.row, ch.col] += ch.data
    return (S, covered) if with_fit else S


def block_allowed_q(p: Prepared, rows: slice | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(q, rule_ok): q = round(score * SCALE) as float, -inf where a hard rule or the minimum
    (some skill fit, min_score) forbids; rule_ok counts, per mentee, the mentors no hard rule removes."""
    S, covered = block_scores(p, rows, with_fit=True)
    q = np.rint(np.multiply(S, SCALE, out=S), out=S)
    fbm = p.forbidden[rows]
    fb = fbm.tocoo()
    if fb.nnz:
        q[fb.row, fb.col] = -np.inf
    rule_ok = p.nm - np.diff(fbm.indptr)
    grade = grade_block_mask(p.grades, rows)
    if grade is not None:
        grade &= np.isfinite(q)  # count each forbidden pair once
        rule_ok = rule_ok - grade.sum(axis=1)
        q[grade] = -np.inf
    if p.requires_skill:
        q[~covered] = -np.inf
    if p.min_q > -math.inf:
        q[q < p.min_q] = -np.inf
    return q, rule_ok


def _lookup(keys: np.ndarray, mat: sp.csr_matrix, want: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(found, value) of sparse entries at flat keys `want` (row * nm + col)."""
    if keys.size == 0:
        return np.zeros(want.size, bool), np.zeros(want.size)
    pos = np.minimum(np.searchsorted(keys, want), keys.size - 1)
    found = keys[pos] == want
    return found, np.where(found, mat.data[pos], 0.0)


def pair_scores(p: Prepared, mentee_idx: np.ndarray, mentor_idx: np.ndarray, with_fit: bool = False):
    """Float scores of arbitrary (mentee index, mentor index) pairs, as vectors (any length,
    repeats allowed), ignoring hard rules; bit-identical to block_scores. Memory is linear in the
    number of pairs times goals per mentee, so callers may price pruned pairs in blocks.
    with_fit also returns "the mentor closes part of a goal" per pair."""
    e = np.asarray(mentee_idx, dtype=np.int64).ravel()
    m = np.asarray(mentor_idx, dtype=np.int64).ravel()
    if e.shape != m.shape:
        raise ValueError("mentee_idx and mentor_idx must have the same length")
    k = e.size
    # expand pairs x goals in G's row order, so sums run in the same order as G @ F
    starts, counts = p.G.indptr[e], np.diff(p.G.indptr)[e]
    total = int(counts.sum())
    pair_of = np.repeat(np.arange(k), counts)
    offs = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    gpos = np.repeat(starts, counts) + offs
    combo, a = p.G.indices[gpos].astype(np.int64), p.G.data[gpos]
    want = combo * p.nm + m[pair_of]
    f_hit, f_val = _lookup(p.F_key, p.F, want)
    fit = _ordered_sum(pair_of[f_hit], a[f_hit] * f_val[f_hit], k)
    covered = np.zeros(k, dtype=bool)
    covered[pair_of[f_hit]] = True
    S = np.where(covered, skill_points(p.settings, fit), 0.0)
    x_hit, x_val = _lookup(p.X_key, p.X, want)
    ext = _ordered_sum(pair_of[x_hit], a[x_hit] * x_val[x_hit], k)
    has_ext = np.zeros(k, dtype=bool)
    has_ext[pair_of[x_hit]] = True
    S = np.where(has_ext, S + ext, S)
    ke, km = p.ke[e], p.km[m]
    if p.table is not None:
        S = S + p.table[ke, km]
    else:
        S = S + _context(p.settings, tuple(x[ke] for x in p.e_cls), tuple(x[km] for x in p.m_cls), p.wish_sets)
    ch_hit, ch_val = _lookup(_sorted_keys(p.choice, p.nm) if p.choice.nnz else np.zeros(0, np.int64), p.choice,
                             e * p.nm + m)
    S = np.where(ch_hit, S + ch_val, S)
    return (S, covered) if with_fit else S


def _ordered_sum(idx: np.ndarray, vals: np.ndarray, k: int) -> np.ndarray:
    """Per index, the sum of vals added one by one in array order from 0.0 (np.bincount's loop),
    as scipy's sparse product accumulates a row: keeps pair_scores bit-identical to block_scores."""
    return np.bincount(idx, weights=vals, minlength=k).astype(np.float64, copy=False)


def pair_allowed_q(p: Prepared, mentee_idx: np.ndarray, mentor_idx: np.ndarray) -> np.ndarray:
    """Scaled scores (float) of arbitrary pairs, -inf where a hard rule or the minimum forbids:
    the vector twin of block_allowed_q, for pricing pairs outside the candidate list."""
    e = np.asarray(mentee_idx, dtype=np.int64).ravel()
    m = np.asarray(mentor_idx, dtype=np.int64).ravel()
    S, covered = pair_scores(p, e, m, with_fit=True)
    q = np.rint(S * SCALE)
    fb = p.forbidden
    if fb.nnz:
        hit, _v = _lookup(_sorted_keys(fb, p.nm), fb, e * p.nm + m)
        q[hit] = -np.inf
    g = p.grades
    if g is not None:  # the grade rule, pair by pair: the same test as grade_block_mask
        q[(g.e_scale[e] >= 0) & (g.e_scale[e] == g.m_scale[m]) & (g.m_step[m] < g.e_step[e])] = -np.inf
        if g.m2_scale is not None:  # a circle's second mentor
            q[(g.e_scale[e] >= 0) & (g.e_scale[e] == g.m2_scale[m]) & (g.m2_step[m] < g.e_step[e])] = -np.inf
    if p.requires_skill:
        q[~covered] = -np.inf
    if p.min_q > -math.inf:
        q[q < p.min_q] = -np.inf
    return q


def pair_mentor_wish(p: Prepared, mentee_idx: np.ndarray, mentor_idx: np.ndarray) -> np.ndarray:
    """The mentor's own wishes for each pair, in points (the skills they most want to teach among
    the goals they cover, and the departments they asked for): the mentor's side in stable mode."""
    e = np.asarray(mentee_idx, dtype=np.int64).ravel()
    m = np.asarray(mentor_idx, dtype=np.int64).ravel()
    out = np.zeros(e.size)
    if p.W.nnz and e.size:
        starts, counts = p.G.indptr[e], np.diff(p.G.indptr)[e]
        pair_of = np.repeat(np.arange(e.size), counts)
        gpos = np.repeat(starts, counts) + (np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts))
        hit, val = _lookup(p.W_key, p.W, p.G.indices[gpos].astype(np.int64) * p.nm + m[pair_of])
        out = _ordered_sum(pair_of[hit], p.G.data[gpos][hit] * val[hit], e.size)
    if p.wish_sets.shape[1]:
        d = p.e_dept[e]
        out += np.where((d >= 0) & p.wish_sets[p.m_set[m], np.maximum(d, 0)], p.settings.weights.mentor_department, 0.0)
    return out


def block_rows(nm: int, budget: int = 2_000_000) -> int:
    """Mentees per block so one float block stays around budget cells (16 MB)."""
    return max(1, budget // max(nm, 1))
