"""Pair scores: vectorised for whole blocks of mentees, and a scalar twin for explanations.

score(mentor, mentee) = skill + knowledge_transfer + cross_department + location + timezone
                        + format + choice           (all in points, see Weights)

Vectorised form, for a block of mentees (rows) against every mentor (columns):
  * skill + knowledge transfer = G[block] @ F, where G is a sparse mentees x (skill, target)
    matrix holding each goal's priority multiplier and F a dense (skill, target) x mentors matrix
    holding w.skill * min(level, target) / target + w.kt * rarity(skill) * teaches * retiring;
  * the context components (department, location, time zone, format) depend only on a few
    attributes, so mentees and mentors are grouped into classes and one small class x class
    table is gathered into the block;
  * choices are a sparse matrix added in place.
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
from .types import FORMATS, SCALE, Mentee, Mentor, Problem, ProblemError, Settings

_FMT_BIT = {f: 1 << i for i, f in enumerate(FORMATS)}
_IN_PERSON = _FMT_BIT["in_person"]
_UTC_RE = re.compile(r"^(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_TABLE_LIMIT = 8_000_000  # class x class context table cells kept whole; beyond, built per block


@lru_cache(maxsize=4096)
def tz_hours(value: str | float | int | None, reference: datetime) -> float:
    """UTC offset in hours of an IANA name, "UTC+5:30"-style text or a number; nan if unknown."""
    if value is None or value == "":
        return math.nan
    if isinstance(value, (int, float)):
        return float(value)
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


def fmt_mask(formats) -> int:
    return sum(_FMT_BIT.get(f, 0) for f in set(formats))


def priority_multiplier(settings: Settings, priority: int) -> float:
    pw = settings.weights.priority
    return float(pw[min(max(int(priority), 1), len(pw)) - 1])


def min_q(settings: Settings) -> float:
    """min_score in scaled units; -inf when there is no minimum."""
    return float(round(settings.min_score * SCALE)) if math.isfinite(settings.min_score) else -math.inf


def choice_points(settings: Settings, rank: int) -> float:
    ch = settings.weights.choice
    return float(ch[min(rank, len(ch) - 1)]) if ch else 0.0


def skill_rarity(mentors) -> dict[Hashable, float]:
    """1 / number of mentors in the pool who hold the skill (any level >= 1, teaching or not)."""
    holders: dict[Hashable, int] = {}
    for m in mentors:
        for s, (level, _teach) in m.skills.items():
            if level >= 1:
                holders[s] = holders.get(s, 0) + 1
    return {s: 1.0 / c for s, c in holders.items()}


# ------------------------------------------------------------------ scalar twin (explanations)


def context_components(e: Mentee, m: Mentor, settings: Settings) -> dict[str, float]:
    w = settings.weights
    same_loc = e.location is not None and e.location == m.location
    cross = e.department is not None and m.department is not None and e.department != m.department
    te, tm = tz_hours(e.timezone, settings.tz_reference), tz_hours(m.timezone, settings.tz_reference)
    tz = 0.0 if math.isnan(te) or math.isnan(tm) else max(0.0, 1.0 - abs(te - tm) / settings.tz_window_hours)
    both = fmt_mask(e.formats) & fmt_mask(m.formats)
    share = bool(both & ~_IN_PERSON) or (bool(both & _IN_PERSON) and same_loc)
    return {
        "cross_department": w.cross_department if cross else 0.0,
        "location": w.location if same_loc else 0.0,
        "timezone": w.timezone * tz,
        "format": w.format if share else 0.0,
    }


def goal_parts(e: Mentee, m: Mentor, settings: Settings, rarity: dict) -> list[tuple[float, float, int]]:
    """Per goal: (skill points, knowledge-transfer points, level the mentor teaches)."""
    w = settings.weights
    out = []
    for g in e.goals:
        level, teach = m.skills.get(g.skill, (0, False))
        lt = min(max(int(level), 0), 4) if teach else 0
        target = min(max(int(g.target), 1), 4)
        pw = priority_multiplier(settings, g.priority)
        skill = pw * (w.skill * min(lt, target) / target)
        kt = pw * (w.knowledge_transfer * rarity.get(g.skill, 0.0)) if (lt >= 1 and m.retirement_eligible) else 0.0
        out.append((skill, kt, lt))
    return out


def pair_components(e: Mentee, m: Mentor, settings: Settings, rarity: dict) -> dict[str, float]:
    parts = goal_parts(e, m, settings, rarity)
    comps = {"skill": float(sum(p[0] for p in parts)), "knowledge_transfer": float(sum(p[1] for p in parts))}
    comps.update(context_components(e, m, settings))
    rank = next((i for i, c in enumerate(e.choices) if c == m.id), None)
    comps["choice"] = choice_points(settings, rank) if rank is not None else 0.0
    return comps


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
    G: sp.csr_matrix  # mentees x (skill, target) combos: priority multipliers
    F: np.ndarray  # combos x mentors: skill + knowledge-transfer points per unit multiplier
    ke: np.ndarray  # mentee context class
    km: np.ndarray  # mentor context class
    e_cls: tuple  # class attribute arrays (dept, loc, tz, fmt)
    m_cls: tuple
    table: np.ndarray | None  # full context table when small enough
    choice: sp.csr_matrix  # mentees x mentors choice points
    choice_rank: sp.csr_matrix  # mentees x mentors, rank + 1 of each choice
    forbidden: sp.csr_matrix  # mentees x mentors rule bit masks
    capacity: np.ndarray
    residual: np.ndarray  # capacity left after locks
    locked_mentor: np.ndarray  # per mentee: mentor index of its lock, -1 if none
    rarity: dict
    min_q: float  # min_score in scaled units (-inf when no minimum)
    pen_q: int
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


def _classes(dept, loc, tz, fmt):
    """Group rows with the same (dept, loc, tz, fmt) into classes; returns (class per row, attrs)."""
    tzk = np.where(np.isnan(tz), -1e9, tz)
    keys = np.stack([dept.astype(np.float64), loc.astype(np.float64), tzk, fmt.astype(np.float64)], axis=1)
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    attrs = (uniq[:, 0].astype(np.int64), uniq[:, 1].astype(np.int64),
             np.where(uniq[:, 2] == -1e9, np.nan, uniq[:, 2]), uniq[:, 3].astype(np.int64))
    return inv, attrs


def context_table(settings: Settings, ec: tuple, mc: tuple) -> np.ndarray:
    """Vectorised twin of context_components over class attribute arrays (rows ec, cols mc)."""
    w = settings.weights
    de, le, te, fe = (a[:, None] for a in ec)
    dm, lm, tm, fm = (a[None, :] for a in mc)
    same_loc = (le == lm) & (le >= 0)
    out = np.where((de != dm) & (de >= 0) & (dm >= 0), w.cross_department, 0.0)
    out += np.where(same_loc, w.location, 0.0)
    tzv = np.clip(1.0 - np.abs(te - tm) / settings.tz_window_hours, 0.0, 1.0)
    out += w.timezone * np.nan_to_num(tzv, nan=0.0)
    both = fe & fm
    share = ((both & ~_IN_PERSON) != 0) | (((both & _IN_PERSON) != 0) & same_loc)
    out += np.where(share, w.format, 0.0)
    return out


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

    # skills: G (mentees x combos) @ F (combos x mentors)
    combos: dict[tuple, int] = {}
    gr, gc, gv = [], [], []
    for i, e in enumerate(mentees):
        for g in e.goals:
            c = combos.setdefault((g.skill, min(max(int(g.target), 1), 4)), len(combos))
            gr.append(i)
            gc.append(c)
            gv.append(priority_multiplier(settings, g.priority))
    G = sp.csr_matrix((np.asarray(gv, float), (np.asarray(gr, np.int64), np.asarray(gc, np.int64))),
                      shape=(n, len(combos)))
    by_skill: dict[Hashable, list[tuple[int, int]]] = {}
    for (s, t), c in combos.items():
        by_skill.setdefault(s, []).append((c, t))
    F = np.zeros((len(combos), nm))
    retire = np.array([m.retirement_eligible for m in mentors], dtype=bool)
    for j, m in enumerate(mentors):
        for s, (level, teach) in m.skills.items():
            lt = min(max(int(level), 0), 4) if teach else 0
            if lt < 1 or s not in by_skill:
                continue
            kt = w.knowledge_transfer * rarity.get(s, 0.0) if retire[j] else 0.0
            for c, t in by_skill[s]:
                F[c, j] = w.skill * min(lt, t) / t + kt

    # context classes
    dcodes: dict = {}
    lcodes: dict = {}
    ref = settings.tz_reference
    e_attr = (_encode([e.department for e in mentees], dcodes), _encode([e.location for e in mentees], lcodes),
              np.array([tz_hours(e.timezone, ref) for e in mentees], float),
              np.array([fmt_mask(e.formats) for e in mentees], np.int64))
    m_attr = (_encode([m.department for m in mentors], dcodes), _encode([m.location for m in mentors], lcodes),
              np.array([tz_hours(m.timezone, ref) for m in mentors], float),
              np.array([fmt_mask(m.formats) for m in mentors], np.int64))
    ke, e_cls = _classes(*e_attr)
    km, m_cls = _classes(*m_attr)
    table = context_table(settings, e_cls, m_cls) if len(e_cls[0]) * len(m_cls[0]) <= _TABLE_LIMIT else None

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
    choice = sp.csr_matrix((np.asarray(cv, float), (cr_a, cc_a)), shape=(n, nm))
    choice_rank = sp.csr_matrix((np.asarray(ck, np.int64), (cr_a, cc_a)), shape=(n, nm))

    capacity = np.array([max(int(m.capacity), 0) for m in mentors], dtype=np.int64)
    check_locks(problem, settings, {m.id: int(capacity[j]) for j, m in enumerate(mentors)})
    locked_mentor = np.full(n, -1, dtype=np.int64)
    residual = capacity.copy()
    for mentor_id, mentee_id in problem.locks:
        j = m_index[mentor_id]
        locked_mentor[e_index[mentee_id]] = j
        residual[j] -= 1

    return Prepared(
        problem=problem, settings=settings, mentees=mentees, mentors=mentors, e_index=e_index, m_index=m_index,
        G=G, F=np.ascontiguousarray(F), ke=ke, km=km, e_cls=e_cls, m_cls=m_cls, table=table,
        choice=choice, choice_rank=choice_rank,
        forbidden=forbidden_matrix(problem, settings, e_index, m_index),
        capacity=capacity, residual=residual, locked_mentor=locked_mentor, rarity=rarity,
        min_q=min_q(settings),
        pen_q=int(round(settings.unmatched_penalty * SCALE)),
        grades=grade_arrays(problem, settings, [e.id for e in mentees], [m.id for m in mentors]),
    )


def block_scores(p: Prepared, rows: slice | np.ndarray) -> np.ndarray:
    """Float scores (points) of the given mentees against every mentor, ignoring hard rules."""
    G = p.G[rows]
    S = np.asarray(G @ p.F if p.F.shape[0] else np.zeros((G.shape[0], p.nm)), dtype=np.float64)
    ke = p.ke[rows]
    if p.table is not None:
        ctx = p.table[ke]
    else:
        uk, inv = np.unique(ke, return_inverse=True)
        ec = tuple(a[uk] for a in p.e_cls)
        ctx = context_table(p.settings, ec, p.m_cls)[inv.reshape(-1)]
    S += ctx[:, p.km]
    ch = p.choice[rows].tocoo()
    if ch.nnz:
        S[ch.row, ch.col] += ch.data
    return S


def block_allowed_q(p: Prepared, rows: slice | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(q, rule_ok): q = round(score * SCALE) as float, -inf where a hard rule or min_score forbids;
    rule_ok counts, per mentee, the mentors no hard rule removes."""
    S = block_scores(p, rows)
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
    if p.min_q > -math.inf:
        q[q < p.min_q] = -np.inf
    return q, rule_ok


def block_rows(nm: int, budget: int = 2_000_000) -> int:
    """Mentees per block so one float block stays around budget cells (16 MB)."""
    return max(1, budget // max(nm, 1))
