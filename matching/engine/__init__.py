"""Mentorship matching engine: pure Python + numpy/scipy/OR-Tools, no Django.

Build the input from plain dataclasses (matching/services.py translates ORM rows)::

    from matching import engine as me

    problem = me.Problem(
        mentees=(me.Mentee(id=7, goals=(me.Goal("python", target=3, priority=1),), department="HR",
                           location="Ottawa", timezone="America/Toronto", formats=frozenset({"video"}),
                           choices=(12, 40)),),
        mentors=(me.Mentor(id=12, skills={"python": (4, True)}, capacity=2, department="IT",
                           location="Ottawa", timezone=-5, retirement_eligible=True),),
        supervisors={7: 3, 3: 1},               # person -> supervisor (reporting chains)
        bans=frozenset(), prior_pairs=frozenset(), locks=frozenset(),   # sets of (mentor, mentee)
    )
    settings = me.Settings(weights=me.Weights(), min_score=5.0, unmatched_penalty=0.0)
    # Settings/Weights round-trip through to_dict()/from_dict() (store them per cycle as JSON).
    # Goals may carry `current` (level now, 0-3); mentors `prefers_teaching` / `prefers_departments`.
    # Skill decides: Settings refuses context weights that could outweigh any skill fit, and pairs
    # without skill fit are out unless `match_everyone=True` (docs/matching.md, "The scale").

Then:

* ``solve(problem, settings) -> MatchResult`` -- the optimal pairs for the whole cohort
  (max total score, minus ``unmatched_penalty`` per unmatched mentee, pairs below
  ``min_score`` not allowed), proven optimal over every allowed pair: ``result.certificate``
  holds the proof (rounds, pairs added, dual prices); each ``Pair`` has ``score`` and an
  ``Explanation`` (components summing to the score, goals covered, rules that removed other
  mentors); ``unmatched`` lists the mentees left out, with a reason.
* ``solve_stable(problem, settings) -> MatchResult`` -- mentee-proposing deferred acceptance.
* ``blocking_pairs(problem, result) -> list[(mentor_id, mentee_id)]`` -- for any result.
* ``why_not(problem, result, mentee_id, mentor_id) -> WhyNot``.
* ``suggestions(problem, mentee_id, n=5, settings) -> list[Suggestion]`` -- top-n mentors with
  capacity left after locks (for "the mentee chooses among the top five").
* ``solve_dense`` (exact oracle over every pair; tests and benchmark only) and ``solve_greedy``
  (baseline).
* ``scoring.pair_scores(prepared, mentee_idx, mentor_idx)`` / ``scoring.pair_allowed_q`` -- scores
  of any vectors of (mentee, mentor) index pairs, bit-identical to the block scoring (pricing).

Hard rules are never broken: mentor capacity; nobody mentors themself; no pair within one
reporting chain (supervisor or supervisor's supervisor, either way); coordinator bans; prior
pairs unless ``settings.allow_repeat_pairs``; locks are kept and use capacity (a lock may not
break the first three rules: ``ProblemError``). Ids must be hashable and mutually comparable:
people are sorted by id, which makes results deterministic; exact ties are broken by spreading
mentees across mentors, then by ``settings.tie_seed``, never by id.
Circles (group mentoring) are mentor-side units: ``circle_unit(key, skills, seats)`` is a
``Mentor`` whose id is a ``CircleId`` and whose capacity is its free seats; list its people in
``Problem.circle_mentors`` so the hard rules apply to each of them. Every solver, the
certificate and the explanations treat it as one more column, and a mentee still gets at most
one placement (a pair or a seat).
See docs/matching.md for the model.
"""

from .explain import suggestions, why_not
from .rules import RULE_TEXT, pair_rules
from .scoring import pair_components, tz_hours
from .solve import solve, solve_dense, solve_greedy
from .stable import blocking_pairs, solve_stable
from .types import (
    FORMATS,
    SCALE,
    Certificate,
    CircleId,
    Explanation,
    Goal,
    GoalFit,
    MatchResult,
    Mentee,
    Mentor,
    Pair,
    Problem,
    ProblemError,
    Removal,
    Settings,
    Suggestion,
    Unmatched,
    Weights,
    WhyNot,
    circle_unit,
    is_circle,
)

__all__ = [
    "FORMATS", "RULE_TEXT", "SCALE", "Certificate", "CircleId", "Explanation", "Goal", "GoalFit", "MatchResult", "Mentee", "Mentor",
    "Pair", "Problem", "ProblemError", "Removal", "Settings", "Suggestion", "Unmatched", "Weights", "WhyNot",
    "blocking_pairs", "circle_unit", "is_circle", "pair_components", "pair_rules", "solve", "solve_dense", "solve_greedy", "solve_stable",
    "suggestions", "tz_hours", "why_not",
]
