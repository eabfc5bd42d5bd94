"""The hard rules of a pair, each written once. Every way of making a pair asks these functions.

Pure: no Django, no database. The facts come from `programs.selectors.pair_facts` (a thin loader);
the matching engine calls the same functions, in vectorised form, in `matching/engine/rules.py`.
Who uses them: hand pairing (programs.services.pairs), publishing a run (which pairs through
mentorship_create), a coordinator locking or adding a proposal (matching.services.review), a mentee
choosing and a mentor accepting (matching.services.choice), and the engine itself.

The rules (docs/matching.md, "One set of rules"):

* not self;
* no reporting chain: neither is the other's supervisor, or supervisor's supervisor (CHAIN_DEPTH
  levels up, either direction). Walking up stops at a loop in the data, so a cycle of supervisors
  never hangs and a long chain costs CHAIN_DEPTH steps;
* no coordinator ban;
* capacity: the mentor's places this cycle (the enrollment's, else their profile's) are not all taken;
* roles: the mentor is an approved mentor and the mentee an approved mentee of this cycle, and
  neither has left;
* grade, when the cycle asks for it: the mentor is at or above the mentee's grade. Grades are free
  text ("GS-13", "Band 5", "SES"); two grades are compared only on the same scale, and a missing or
  unreadable grade never refuses a pair (there is nothing to prove it breaks the rule);
* earlier pairs: not paired in an earlier cycle unless the cycle allows repeats, not twice in one
  cycle, and one active mentor per mentee.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

PersonId = Hashable
Pair = tuple[PersonId, PersonId]  # (mentor, mentee), as everywhere in matching
GradeRank = tuple[str, int]  # (scale, step): ("GS", 13)

CHAIN_DEPTH = 2

# Rule names, shared with the engine's bit masks and the pages' labels.
SELF, CHAIN, BAN, PRIOR, GRADE = "self", "reporting_chain", "ban", "prior_pair", "grade"
CAPACITY, ROLE, SEPARATED, PAIRED = "capacity", "role", "separated", "already_paired"

RULE_TEXT = {
    SELF: "a person cannot mentor themself",
    CHAIN: "they are in one reporting chain (supervisor or supervisor's supervisor)",
    BAN: "the coordinator banned this pair",
    PRIOR: "they were paired in an earlier cycle and repeats are not allowed",
    GRADE: "the mentor's grade is below the mentee's, and this cycle asks for a mentor at or above it",
}


# ---------------------------------------------------------------- the rules, one function each


def managers(supervisors: Mapping[PersonId, PersonId], person: PersonId, depth: int = CHAIN_DEPTH) -> list[PersonId]:
    """The person's supervisor, supervisor's supervisor... up to `depth` levels, nearest first.

    Stops at a loop (A's supervisor is B, B's is A) or at the person themself, so bad data never hangs.
    """
    out: list[PersonId] = []
    seen = {person}
    current = person
    for _ in range(depth):
        up = supervisors.get(current)
        if up is None or up in seen:
            break
        out.append(up)
        seen.add(up)
        current = up
    return out


def in_reporting_chain(supervisors: Mapping[PersonId, PersonId], a: PersonId, b: PersonId) -> bool:
    """True when either is among the other's managers (CHAIN_DEPTH levels up)."""
    return b in managers(supervisors, a) or a in managers(supervisors, b)


_GRADE = re.compile(r"^([A-Z]*)[\s\-/]*0*(\d{1,3})$")
# Grades above a numbered scale, placed on it: the Senior Executive Service sits above GS-15.
GRADE_ALIASES: dict[str, GradeRank] = {"SES": ("GS", 16), "ES": ("GS", 16)}


def grade_rank(grade: str | None) -> GradeRank | None:
    """("GS", 13) for "GS-13", "gs 13" or "GS-013"; ("BAND", 5) for "Band 5"; None when unreadable."""
    text = (grade or "").strip().upper()
    if text in GRADE_ALIASES:
        return GRADE_ALIASES[text]
    match = _GRADE.match(text)
    if match is None:
        return None
    return match.group(1), int(match.group(2))


def grade_below(mentor: GradeRank | None, mentee: GradeRank | None) -> bool:
    """True only when both grades are known, on one scale, and the mentor's is lower."""
    return mentor is not None and mentee is not None and mentor[0] == mentee[0] and mentor[1] < mentee[1]


def mentor_places(enrollment_capacity: int | None, profile_capacity: int | None) -> int:
    """A mentor's places this cycle: what they said when applying, else their profile's default.

    The same as SQL's Coalesce(enrollment.capacity, person.mentor_capacity), which the pages that
    show a mentor's load use, so a page and the rule never disagree."""
    if enrollment_capacity is not None:
        return int(enrollment_capacity)
    return int(profile_capacity or 0)


def has_room(places: int, taken: int) -> bool:
    return taken < places


def pair_rules(
    *,
    mentor: PersonId,
    mentee: PersonId,
    supervisors: Mapping[PersonId, PersonId],
    bans: frozenset[Pair] | set[Pair],
    prior_pairs: frozenset[Pair] | set[Pair] = frozenset(),
    allow_repeat_pairs: bool = True,
    grades: Mapping[PersonId, GradeRank | None] | None = None,
    grade_rule: bool = False,
) -> tuple[str, ...]:
    """The names of the pair rules this pair breaks, in a fixed order; () when none.

    These are the rules the engine also applies (its bit-mask matrix is the vectorised twin).
    """
    broken = []
    if mentor == mentee:
        broken.append(SELF)
    if in_reporting_chain(supervisors, mentor, mentee):
        broken.append(CHAIN)
    if (mentor, mentee) in bans:
        broken.append(BAN)
    if not allow_repeat_pairs and (mentor, mentee) in prior_pairs:
        broken.append(PRIOR)
    if grade_rule and grades is not None and grade_below(grades.get(mentor), grades.get(mentee)):
        broken.append(GRADE)
    return tuple(broken)


RULE_ORDER = (SELF, CHAIN, BAN, PRIOR, GRADE)


def circle_rules(
    *,
    mentors: Sequence[PersonId],
    mentee: PersonId,
    supervisors: Mapping[PersonId, PersonId],
    bans: frozenset[Pair] | set[Pair],
    grades: Mapping[PersonId, GradeRank | None] | None = None,
    grade_rule: bool = False,
) -> tuple[str, ...]:
    """The rules that keep `mentee` out of a circle led by `mentors` (one or two people): every
    pair rule between each circle mentor and the mentee (not themself, no reporting chain, no
    ban, the grade rule), in the fixed order of pair_rules. An earlier pair with one of the
    circle's mentors does not count: a group with a former mentor is no repeat of the pair."""
    broken: set[str] = set()
    for mentor in mentors:
        broken.update(
            pair_rules(mentor=mentor, mentee=mentee, supervisors=supervisors, bans=bans, grades=grades,
                       grade_rule=grade_rule)
        )
    return tuple(rule for rule in RULE_ORDER if rule in broken)


# ---------------------------------------------------------------- one pair in one cycle, in words


@dataclass(frozen=True)
class Refusal:
    rule: str
    text: str


@dataclass(frozen=True)
class PairFacts:
    """What the rules need to judge pairs among some people in one cycle (see pair_facts loader)."""

    names: Mapping[PersonId, str]
    supervisors: Mapping[PersonId, PersonId]
    bans: frozenset[Pair]
    grades: Mapping[PersonId, str]
    grade_rule: bool
    allow_repeat_pairs: bool
    approved: frozenset[tuple[PersonId, str]]  # (person, "mentor" | "mentee") approved in the cycle
    separated: Mapping[PersonId, date]
    places: Mapping[PersonId, int]  # mentor -> places this cycle
    taken: Mapping[PersonId, int]  # mentor -> active pairs this cycle
    current_mentor: Mapping[PersonId, str]  # mentee -> name of their active mentor this cycle
    this_cycle: Mapping[Pair, bool]  # pairs of this cycle -> still active?
    prior_pairs: frozenset[Pair] = field(default_factory=frozenset)

    def name(self, person: PersonId) -> str:
        return self.names.get(person, f"person {person}")


def pair_refusals(facts: PairFacts, mentor: PersonId, mentee: PersonId, *, skip: frozenset[str] = frozenset()) -> list[Refusal]:
    """Every rule the pair breaks, each as a sentence for the page. Empty: the pair may be made.

    `skip` leaves rules out on purpose (a lock may keep a pair the mentor is already counted for).
    """
    who, whom = facts.name(mentor), facts.name(mentee)
    if mentor == mentee:
        return [Refusal(SELF, f"{who} cannot mentor themself.")]
    out: list[Refusal] = []

    def add(rule: str, text: str) -> None:
        if rule not in skip:
            out.append(Refusal(rule, text))

    if (mentor, "mentor") not in facts.approved:
        add(ROLE, f"{who} is not an approved mentor in this cycle.")
    if (mentee, "mentee") not in facts.approved:
        add(ROLE, f"{whom} is not an approved mentee in this cycle.")
    for person, name in ((mentor, who), (mentee, whom)):
        left = facts.separated.get(person)
        if left is not None:
            add(SEPARATED, f"{name} has left (separation date {left:%d %b %Y}).")
    ranks = {p: grade_rank(facts.grades.get(p)) for p in (mentor, mentee)}
    for rule in pair_rules(
        mentor=mentor, mentee=mentee, supervisors=facts.supervisors, bans=facts.bans,
        prior_pairs=facts.prior_pairs, allow_repeat_pairs=facts.allow_repeat_pairs,
        grades=ranks, grade_rule=facts.grade_rule,
    ):
        if rule == CHAIN:
            add(CHAIN, f"{who} and {whom} are in the same reporting chain; a supervisor, or a supervisor's "
                "supervisor, cannot be the mentor or the mentee.")
        elif rule == BAN:
            add(BAN, f"The pair {who} → {whom} is banned for this cycle.")
        elif rule == PRIOR:
            add(PRIOR, f"{who} and {whom} were paired in an earlier cycle; this cycle does not allow repeat pairs.")
        elif rule == GRADE:
            add(GRADE, f"{who} ({facts.grades.get(mentor)}) is below {whom}'s grade ({facts.grades.get(mentee)}); "
                "this cycle asks for a mentor at or above the mentee's grade.")
    active = facts.this_cycle.get((mentor, mentee))
    if active and PAIRED not in skip:
        return [Refusal(PAIRED, f"{who} is already mentoring {whom} this cycle.")]
    if active is not None:
        add(PAIRED, f"{who} and {whom} were already paired in this cycle, and that pair has closed.")
    places, taken = facts.places.get(mentor, 0), facts.taken.get(mentor, 0)
    if (mentor, "mentor") in facts.approved and not has_room(places, taken):
        add(CAPACITY, f"{who} already has {taken} active mentee(s); their capacity this cycle is {places}.")
    if mentee in facts.current_mentor:
        add(PAIRED, f"{whom} already has an active mentor this cycle ({facts.current_mentor[mentee]}).")
    return out
