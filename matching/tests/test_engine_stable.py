"""Stable mode (deferred acceptance) and the blocking-pair report for any result."""

from __future__ import annotations

from hypothesis import given

from matching.engine import (
    SCALE,
    Goal,
    Mentee,
    Mentor,
    Problem,
    Settings,
    Weights,
    blocking_pairs,
    solve,
    solve_stable,
)
from matching.engine.scoring import mentor_wish_points

from .test_engine_optimal import check_valid
from .test_engine_strategies import FAST, engine_settings, problems, scalar_q


def reference_blocking_pairs(problem: Problem, settings: Settings, result) -> list[tuple]:
    """Scalar re-statement of the stable-mode preferences, written independently of the engine."""
    q = scalar_q(problem, settings)
    partner = {p.mentee_id: p.mentor_id for p in result.pairs}
    locked = {e for _m, e in problem.locks}
    room = {m.id: m.capacity - sum(1 for lm, _e in problem.locks if lm == m.id) for m in problem.mentors}
    held = {m.id: [e for e, a in partner.items() if a == m.id and e not in locked] for m in problem.mentors}

    def mentee_key(e, m):  # smaller is better
        mentee = next(x for x in problem.mentees if x.id == e)
        if m in mentee.choices:
            return (0, mentee.choices.index(m), 0)
        return (1, -q[(m, e)], m)

    people = {x.id: x for x in problem.mentees}
    mentors = {x.id: x for x in problem.mentors}

    def mentor_key(m, e):  # the mentor's own wishes first, then the score
        wish = round(mentor_wish_points(people[e], mentors[m], settings) * SCALE)
        return (-wish, -q[(m, e)], e)

    out = []
    for e in (x.id for x in problem.mentees):
        if e in locked:
            continue
        for m in (x.id for x in problem.mentors):
            if q[(m, e)] is None or room[m] <= 0 or partner.get(e) == m:
                continue
            if e in partner and mentee_key(e, m) >= mentee_key(e, partner[e]):
                continue
            if len(held[m]) < room[m] or mentor_key(m, e) < max(mentor_key(m, x) for x in held[m]):
                out.append((m, e))
    return sorted(out, key=lambda t: (t[1], t[0]))


@FAST
@given(problems(max_mentees=8, max_mentors=5, max_cap=3), engine_settings())
def test_stable_mode_leaves_no_blocking_pair_even_with_truncated_lists(problem, settings):
    result = solve_stable(problem, settings)
    check_valid(problem, settings, result)
    assert blocking_pairs(problem, result) == []
    assert reference_blocking_pairs(problem, settings, result) == []


@FAST
@given(problems(max_mentees=6, max_mentors=4), engine_settings(k=50))
def test_blocking_pairs_of_the_optimal_result_match_the_definition(problem, settings):
    result = solve(problem, settings)
    assert blocking_pairs(problem, result) == reference_blocking_pairs(problem, settings, result)


def test_optimal_can_be_unstable_and_stable_fixes_it():
    # m1 is everyone's favourite; maximising the total gives m1 to b (a has a good fallback),
    # but a prefers m1 and m1 prefers a: a blocking pair the stable mode removes.
    mentors = (
        Mentor(id="m1", skills={"py": (4, True), "ux": (4, True)}),
        Mentor(id="m2", skills={"py": (4, True), "ux": (2, True)}),
    )
    mentees = (
        Mentee(id="a", goals=(Goal("py", 4, 1), Goal("ux", 4, 3))),
        Mentee(id="b", goals=(Goal("ux", 4, 1),)),
    )
    problem = Problem(mentees=mentees, mentors=mentors)
    optimal = solve(problem)
    assert {(p.mentor_id, p.mentee_id) for p in optimal.pairs} == {("m1", "b"), ("m2", "a")}
    assert blocking_pairs(problem, optimal) == [("m1", "a")]
    stable = solve_stable(problem)
    assert {(p.mentor_id, p.mentee_id) for p in stable.pairs} == {("m1", "a"), ("m2", "b")}
    assert blocking_pairs(problem, stable) == []
    assert stable.total_score < optimal.total_score


def test_stable_mode_puts_a_mentees_own_choices_first():
    mentors = (Mentor(id=1, skills={"py": (4, True)}), Mentor(id=2, skills={"py": (2, True)}))
    problem = Problem(mentees=(Mentee(id=3, goals=(Goal("py", 4, 1),), choices=(2,)),), mentors=mentors)
    settings = Settings(weights=Weights(choice=(1.0,)))
    assert solve(problem, settings).pairs[0].mentor_id == 1  # score order
    assert solve_stable(problem, settings).pairs[0].mentor_id == 2  # the mentee's choice
