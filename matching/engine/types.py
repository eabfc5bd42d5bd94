"""Input and output dataclasses of the matching engine (no Django, no numpy in signatures)."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

PersonId = Hashable  # ints or strings; all ids of one problem must be mutually comparable

FORMATS = ("in_person", "video", "phone")

# Scores are floats in "points"; the solver works on integers: round(score * SCALE).
SCALE = 1000


class ProblemError(ValueError):
    """The input cannot be solved as given (duplicate ids, a lock breaking a hard rule, a weight
    that is not a number...). `field` names the setting at fault when there is one, so a form can
    show the message beside it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _finite(value: Any, name: str, *, low: float | None = None, high: float | None = None,
            strict_low: bool = False) -> float:
    """value as a float, or ProblemError naming `name` (NaN, infinities and text are refused)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ProblemError(f"{name} must be a number, not {value!r}", name) from None
    if not math.isfinite(v):
        raise ProblemError(f"{name} must be a finite number, not {value!r}", name)
    if low is not None and (v <= low if strict_low else v < low):
        raise ProblemError(f"{name} must be {'more than' if strict_low else 'at least'} {low:g}, not {v:g}", name)
    if high is not None and v > high:
        raise ProblemError(f"{name} must be at most {high:g}, not {v:g}", name)
    return v


@dataclass(frozen=True)
class Goal:
    """One IDP goal: from `current` (0 = none yet .. 3) to `target` (1-4) in `skill`;
    priority 1 = high .. 3 = low. A mentor helps with the part of the gap above `current` they
    can teach; a goal already reached (current >= target) asks nothing of a mentor."""

    skill: Hashable
    target: int
    priority: int = 2
    current: int = 0


@dataclass(frozen=True)
class Mentee:
    id: PersonId
    goals: tuple[Goal, ...] = ()
    department: Hashable | None = None
    location: Hashable | None = None
    timezone: str | float | None = None  # IANA name ("Europe/Paris"), "UTC+3", or hours (float)
    formats: frozenset[str] = frozenset(FORMATS)
    choices: tuple[PersonId, ...] = ()  # ranked mentor ids, 1st choice first
    met: frozenset[PersonId] = frozenset()  # mentors met at a speed round where either wished to work together


@dataclass(frozen=True)
class Mentor:
    id: PersonId
    skills: Mapping[Hashable, tuple[int, bool]] = field(default_factory=dict)  # skill -> (level 1-4, will_teach)
    capacity: int = 1
    # The mentor's own wishes: skills they most want to teach, mentee departments they would like.
    prefers_teaching: frozenset[Hashable] = frozenset()
    prefers_departments: frozenset[Hashable] = frozenset()
    department: Hashable | None = None
    location: Hashable | None = None
    timezone: str | float | None = None
    formats: frozenset[str] = frozenset(FORMATS)
    retirement_eligible: bool = False


@dataclass(frozen=True, eq=True)
class CircleId:
    """The id of a mentoring circle as a mentor-side unit of the engine (docs/matching.md, "Circles").

    It sorts after every person id (ints or strings), so circle columns come after the mentors
    and a problem's ids stay mutually comparable; it never equals a person id."""

    key: Hashable

    def _cmp(self, other: object) -> int:
        if isinstance(other, CircleId):
            return (self.key > other.key) - (self.key < other.key)
        return 1  # after any person

    def __lt__(self, other: object) -> bool:
        return self._cmp(other) < 0

    def __le__(self, other: object) -> bool:
        return self._cmp(other) <= 0

    def __gt__(self, other: object) -> bool:
        return self._cmp(other) > 0

    def __ge__(self, other: object) -> bool:
        return self._cmp(other) >= 0

    def __repr__(self) -> str:
        return f"circle {self.key!r}"


def circle_unit(key: Hashable, skills: Mapping[Hashable, int], seats: int) -> Mentor:
    """A circle as a mentor-side unit: `seats` places, teaching its topic skills at the given
    levels. It has no department, location, time zone, format, wishes or retirement date, so
    its score for a mentee is the skill fit alone (plus the `choice` points of a mentee who
    applied to it: list its id in `Mentee.choices`). Give its mentors in
    `Problem.circle_mentors` so the hard rules see them."""
    return Mentor(id=CircleId(key), skills={s: (int(level), True) for s, level in skills.items()},
                  capacity=int(seats), formats=frozenset())


def is_circle(pid: object) -> bool:
    return isinstance(pid, CircleId)


@dataclass(frozen=True)
class Problem:
    """One cohort. Pairs are always written (mentor_id, mentee_id); a circle unit (`circle_unit`)
    is a mentor whose id is a CircleId and whose people are `circle_mentors[id]`."""

    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    supervisors: Mapping[PersonId, PersonId] = field(default_factory=dict)  # person -> supervisor
    bans: frozenset[tuple[PersonId, PersonId]] = frozenset()  # coordinator bans
    prior_pairs: frozenset[tuple[PersonId, PersonId]] = frozenset()  # pairs of earlier cycles
    locks: frozenset[tuple[PersonId, PersonId]] = frozenset()  # pairs kept as they are
    grades: Mapping[PersonId, str] = field(default_factory=dict)  # person -> grade text ("GS-13"), for the grade rule
    circle_mentors: Mapping[CircleId, tuple[PersonId, ...]] = field(default_factory=dict)  # circle -> its 1-2 mentors


class _DictMixin:
    """to_dict/from_dict for coordinator-editable settings (tuples become lists in JSON)."""

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for k, v in asdict(self).items():  # type: ignore[call-overload]
            if isinstance(v, tuple):
                v = list(v)
            elif isinstance(v, datetime):
                v = v.isoformat()
            out[k] = v
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None):
        """Missing keys take their defaults; unknown keys are ignored (old saved settings load)."""
        data = dict(data or {})
        kwargs: dict[str, Any] = {}
        for f in fields(cls):  # type: ignore[arg-type]
            if f.name not in data:
                continue
            v = data[f.name]
            if f.name == "weights" and isinstance(v, Mapping):
                v = Weights.from_dict(v)
            elif isinstance(v, list):
                v = tuple(v)
            elif f.name == "tz_reference" and isinstance(v, str):
                v = datetime.fromisoformat(v)
            kwargs[f.name] = v
        return cls(**kwargs)


@dataclass(frozen=True)
class Weights(_DictMixin):
    """Points of each score component; a coordinator may edit them per cycle.

    The scale (docs/matching.md, "The score"): skill decides. A mentor who closes part of any
    goal's gap earns `skill * skill_base` points; closing the mentee's whole plan (every goal's
    gap, weighted by priority) earns `skill`. Context (department, location, time zone, format,
    the mentor's department wish) adds at most `context_span()` points, and Settings refuses
    weights where that reaches the base: context only orders mentors of equal skill fit, or
    close to it; it never lifts a mentor who teaches none of the goals over one who covers one.
    """

    skill: float = 10.0  # a mentor who closes the whole plan (priority-weighted mean of goal gaps)
    skill_base: float = 0.5  # share of `skill` earned by closing any part of any goal
    priority: tuple[float, float, float] = (1.0, 0.6, 0.3)  # weight of a priority 1, 2, 3 goal in the mean
    knowledge_transfer: float = 3.0  # x rarity (1/holders) of covered goal skills, retirement-eligible mentors
    mentor_skill: float = 1.0  # the mentor most wants to teach the covered goals' skills
    cross_department: float = 1.0  # different departments; negative: a penalty (same department preferred)
    location: float = 0.75
    timezone: float = 0.75  # full points at the same offset, 0 at tz_window_hours apart
    format: float = 0.5  # they share a meeting format (in_person only counts in one location)
    mentor_department: float = 0.5  # the mentee is in a department the mentor asked for
    choice: tuple[float, ...] = (30.0, 20.0, 12.0)  # 1st, 2nd, 3rd choice; later ranks get the last
    met_wish: float = 2.0  # they met at speed rounds and one said "I'd like to work with this person"

    CONTEXT = ("cross_department", "location", "timezone", "format", "mentor_department")

    def __post_init__(self) -> None:
        _finite(self.skill, "skill", low=0, strict_low=True)
        _finite(self.skill_base, "skill_base", low=0, high=1, strict_low=True)
        for name in ("knowledge_transfer", "mentor_skill", "location", "timezone", "format", "mentor_department",
                     "met_wish"):
            _finite(getattr(self, name), name, low=0)
        _finite(self.cross_department, "cross_department")  # a bonus or a penalty
        if len(self.priority) < 1:
            raise ProblemError("priority needs a weight for each goal priority", "priority")
        for v in self.priority:
            _finite(v, "priority", low=0, strict_low=True)
        for v in self.choice:
            _finite(v, "choice", low=0)

    def base_points(self) -> float:
        """What any mentor earns for closing part of one goal: the floor context must stay under."""
        return self.skill * self.skill_base

    def context_span(self) -> float:
        """Most points context can move a pair's score, up or down (a penalty counts by its size)."""
        return float(sum(abs(getattr(self, name)) for name in self.CONTEXT))

    def max_points(self) -> float:
        """An upper bound on any pair's score."""
        ctx = sum(max(getattr(self, name), 0.0) for name in self.CONTEXT)
        return self.skill + self.knowledge_transfer + self.mentor_skill + ctx + max(self.choice, default=0.0) + self.met_wish


@dataclass(frozen=True)
class Settings(_DictMixin):
    weights: Weights = field(default_factory=Weights)
    # Pairs need some skill fit (the mentor closes part of a goal) and a score of at least
    # min_score; locks excepted. match_everyone drops both and puts the number matched first.
    min_score: float = 0.0
    match_everyone: bool = False
    unmatched_penalty: float = 0.0  # points lost per unmatched mentee; large => max cardinality
    allow_repeat_pairs: bool = False  # may prior_pairs be proposed again?
    mentor_grade_at_or_above: bool = False  # the cycle's grade rule (programs.rules.grade_below)
    k: int = 50  # candidate mentors kept per mentee (plus choices and locks)
    tz_window_hours: float = 8.0  # time-zone points fall to 0 at this distance (around the date line)
    tz_reference: datetime = datetime(2025, 1, 15, 12, 0)  # UTC instant to resolve IANA offsets
    tie_seed: int = 0  # orders exact ties (after spreading): the same seed gives the same pairs

    def __post_init__(self) -> None:
        if not isinstance(self.weights, Weights):
            raise ProblemError("weights must be a Weights", "weights")
        if isinstance(self.k, bool) or not isinstance(self.k, int) or self.k < 1:
            raise ProblemError(f"k (candidate mentors per mentee) must be a whole number of at least 1, not {self.k!r}",
                               "k")
        _finite(self.min_score, "min_score")
        _finite(self.unmatched_penalty, "unmatched_penalty", low=0)
        # 12 h is the farthest two zones can be apart once the date line wraps; beyond 24 makes no sense.
        _finite(self.tz_window_hours, "tz_window_hours", low=0, high=24, strict_low=True)
        w = self.weights
        if w.context_span() >= w.base_points():
            raise ProblemError(
                f"context points add up to {w.context_span():g} (different departments, location, time zone, "
                f"format, mentor's department wish), but a mentor who covers part of one goal earns "
                f"{w.base_points():g} skill points ({w.skill:g} x {w.skill_base:g}): keep context below that "
                "so that skill decides. Lower the context points or raise the skill points."
            )

    @property
    def effective_min_score(self) -> float:
        return -math.inf if self.match_everyone else self.min_score

    @property
    def requires_skill(self) -> bool:
        return not self.match_everyone


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class GoalFit:
    skill: Hashable
    target: int
    priority: int
    mentor_level: int  # level the mentor teaches (0: does not teach it)
    points: float  # this goal's share of the skill, knowledge-transfer and mentor-wish points
    covered: bool  # mentor teaches it at or above the target
    current: int = 0  # the mentee's level now
    gap_closed: float = 0.0  # share of the gap (current -> target) the mentor can teach, 0-1


@dataclass(frozen=True)
class Removal:
    """A mentor removed from a mentee's candidates, and which hard rules did it."""

    mentor_id: PersonId
    rules: tuple[str, ...]  # "self", "reporting_chain", "ban", "prior_pair"


@dataclass(frozen=True)
class Explanation:
    components: Mapping[str, float]  # sums to the pair's score
    goals: tuple[GoalFit, ...]
    removed: tuple[Removal, ...] = ()  # other mentors this mentee could not get, and why
    below_min_score: int = 0  # how many other allowed mentors scored below min_score

    @property
    def total(self) -> float:
        return float(sum(self.components.values()))


@dataclass(frozen=True)
class Pair:
    mentor_id: PersonId
    mentee_id: PersonId
    score: float
    locked: bool = False
    explanation: Explanation | None = None


@dataclass(frozen=True)
class Unmatched:
    mentee_id: PersonId
    reason: str  # "no_allowed_mentor", "below_min_score", "full", "no_gain"
    detail: str
    taken: tuple[tuple[PersonId, tuple[PersonId, ...]], ...] = ()  # (best mentor, mentees who took it)


@dataclass(frozen=True)
class Certificate:
    """Proof that a result is the maximum total over every allowed pair (matching/engine/certify.py).

    Prices are the dual solution in points: a pair (mentor, mentee) outside the result could
    raise the total only if score + penalty > mentee_price + mentor_price; the certificate
    holds when no allowed pair does. Pairs a price leaves out are the "reduced gain" of why_not."""

    proven: bool
    rounds: int  # pricing passes over the pruned pairs (the last one finds none to add)
    pairs_added: int  # pairs outside the first candidate lists that pricing added to the graph
    tie_seed: int
    spread: bool  # ties were broken towards spreading mentees across mentors first
    penalty: float  # unmatched penalty as the solver used it (points; capped when huge)
    mentee_price: Mapping[PersonId, float] = field(default_factory=dict)
    mentor_price: Mapping[PersonId, float] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchResult:
    pairs: tuple[Pair, ...]  # sorted by mentee id
    unmatched: tuple[Unmatched, ...]
    total_score: float  # sum of pair scores (float points)
    objective: int  # what the solver maximised: sum(round(score*SCALE) + penalty) over non-locked pairs
    settings: Settings
    mode: str  # "optimal", "stable", "dense", "greedy"
    stats: Mapping[str, float] = field(default_factory=dict, compare=False)  # timings: not part of equality
    certificate: Certificate | None = field(default=None, compare=False)  # solve() only

    def mentor_of(self, mentee_id: PersonId) -> PersonId | None:
        for p in self.pairs:
            if p.mentee_id == mentee_id:
                return p.mentor_id
        return None


@dataclass(frozen=True)
class WhyNot:
    """Why mentee did not get mentor. kind: assigned | unknown | hard_rule | below_min_score |
    locked_elsewhere | capacity | lower_score | no_gain (certified: room, but no gain) | not_chosen."""

    kind: str
    message: str
    rules: tuple[str, ...] = ()
    score: float | None = None  # score of the asked pair
    assigned_mentor: PersonId | None = None
    assigned_score: float | None = None
    difference: float | None = None  # assigned_score - score
    taken_by: tuple[tuple[PersonId, float], ...] = ()  # (mentee, their score with that mentor)
    reduced_gain: float | None = None  # certified results: score + penalty - both prices (<= 0)


@dataclass(frozen=True)
class Suggestion:
    mentor_id: PersonId
    score: float
    explanation: Explanation
