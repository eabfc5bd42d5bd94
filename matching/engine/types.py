"""Input and output dataclasses of the matching engine (no Django, no numpy in signatures)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

PersonId = Hashable  # ints or strings; all ids of one problem must be mutually comparable

FORMATS = ("in_person", "video", "phone")

# Scores are floats in "points"; the solver works on integers: round(score * SCALE).
SCALE = 1000


class ProblemError(ValueError):
    """The input cannot be solved as given (duplicate ids, a lock breaking a hard rule...)."""


@dataclass(frozen=True)
class Goal:
    """One IDP goal: reach `target` (1-4) in `skill`; priority 1 = high .. 3 = low."""

    skill: Hashable
    target: int
    priority: int = 2


@dataclass(frozen=True)
class Mentee:
    id: PersonId
    goals: tuple[Goal, ...] = ()
    department: Hashable | None = None
    location: Hashable | None = None
    timezone: str | float | None = None  # IANA name ("Europe/Paris"), "UTC+3", or hours (float)
    formats: frozenset[str] = frozenset(FORMATS)
    choices: tuple[PersonId, ...] = ()  # ranked mentor ids, 1st choice first


@dataclass(frozen=True)
class Mentor:
    id: PersonId
    skills: Mapping[Hashable, tuple[int, bool]] = field(default_factory=dict)  # skill -> (level 1-4, will_teach)
    capacity: int = 1
    department: Hashable | None = None
    location: Hashable | None = None
    timezone: str | float | None = None
    formats: frozenset[str] = frozenset(FORMATS)
    retirement_eligible: bool = False


@dataclass(frozen=True)
class Problem:
    """One cohort. Pairs are always written (mentor_id, mentee_id)."""

    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    supervisors: Mapping[PersonId, PersonId] = field(default_factory=dict)  # person -> supervisor
    bans: frozenset[tuple[PersonId, PersonId]] = frozenset()  # coordinator bans
    prior_pairs: frozenset[tuple[PersonId, PersonId]] = frozenset()  # pairs of earlier cycles
    locks: frozenset[tuple[PersonId, PersonId]] = frozenset()  # pairs kept as they are


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
    """Points of each score component; a coordinator may edit them per cycle."""

    skill: float = 10.0  # per goal, mentor at/above target, priority-1 goal
    priority: tuple[float, float, float] = (1.0, 0.6, 0.3)  # multiplier for priority 1, 2, 3
    cross_department: float = 3.0
    knowledge_transfer: float = 6.0  # x rarity (1/holders) per goal skill, retirement-eligible mentors
    location: float = 2.0
    timezone: float = 2.0  # full points at the same offset, 0 at tz_window_hours apart
    format: float = 2.0  # they share a meeting format (in_person only counts in one location)
    choice: tuple[float, ...] = (30.0, 20.0, 12.0)  # 1st, 2nd, 3rd choice; later ranks get the last


@dataclass(frozen=True)
class Settings(_DictMixin):
    weights: Weights = field(default_factory=Weights)
    min_score: float = 0.0  # pairs scoring below are not allowed (locks excepted)
    unmatched_penalty: float = 0.0  # points lost per unmatched mentee; large => max cardinality
    allow_repeat_pairs: bool = False  # may prior_pairs be proposed again?
    k: int = 50  # candidate mentors kept per mentee (plus choices and locks)
    tz_window_hours: float = 8.0
    tz_reference: datetime = datetime(2025, 1, 15, 12, 0)  # UTC instant to resolve IANA offsets
    tie_seed: int = 0  # orders exact ties (after spreading): the same seed gives the same pairs

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ProblemError("k must be at least 1")
        if self.unmatched_penalty < 0:
            raise ProblemError("unmatched_penalty must be >= 0")


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class GoalFit:
    skill: Hashable
    target: int
    priority: int
    mentor_level: int  # level the mentor teaches (0: does not teach it)
    points: float  # skill + knowledge-transfer points earned on this goal
    covered: bool  # mentor teaches it at or above the target


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
