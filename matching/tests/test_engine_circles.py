"""Circles in the engine: mentor-side units with seats and topic skills, placed alongside pairs.

Pairs and circles in one run equal the dense optimum and brute force exactly on small adversarial
inputs (ties, one hot topic, a full circle, a reporting chain to one of two circle mentors, bans,
the grade rule), the certificate proves it, the hard rules of every circle mentor hold, and the
explanations speak of circles.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from matching.engine import (
    CircleId,
    Goal,
    Mentee,
    Mentor,
    Problem,
    ProblemError,
    Settings,
    circle_unit,
    is_circle,
    pair_components,
    pair_rules,
    solve,
    solve_dense,
    solve_stable,
    why_not,
)
from matching.engine.scoring import prepare, skill_rarity
from programs import rules as the_rules

from .test_engine_optimal import check_valid
from .test_engine_strategies import brute_force

SKILLS = [f"s{i}" for i in range(6)]
SETTINGS = [
    Settings(k=1),
    Settings(k=2, min_score=2.0),
    Settings(k=2, unmatched_penalty=1000.0),
    Settings(match_everyone=True, k=3, unmatched_penalty=3.0, tie_seed=5),
]


def _mentee(rng, pid, skills=SKILLS):
    goals = tuple(
        Goal(str(s), int(rng.integers(2, 5)), int(rng.integers(1, 4)), int(rng.integers(0, 2)))
        for s in set(rng.choice(skills, size=int(rng.integers(1, 3))))
    )
    return Mentee(id=pid, goals=goals, department=f"D{int(rng.integers(2))}", location=f"L{int(rng.integers(2))}")


def _mentor(rng, pid, cap=None):
    skills = {
        str(s): (int(rng.integers(1, 5)), bool(rng.random() < 0.85))
        for s in rng.choice(SKILLS, size=int(rng.integers(1, 3)), replace=False)
    }
    return Mentor(
        id=pid,
        skills=skills,
        capacity=int(rng.integers(0, 3)) if cap is None else cap,
        department=f"D{int(rng.integers(2))}",
        location=f"L{int(rng.integers(2))}",
    )


def _circle(rng, key, leaders, seats=None, skills=None):
    topic = skills or {str(s): int(rng.integers(2, 5)) for s in rng.choice(SKILLS, size=2, replace=False)}
    return circle_unit(key, topic, int(rng.integers(0, 4)) if seats is None else seats), (CircleId(key), leaders)


def mixed(rng, n=7, m=3, c=2):
    """Random pairs and circles; circle mentors are among the pair mentors (they lead both)."""
    mentors = [_mentor(rng, 100 + j) for j in range(m)]
    units, leads = [], {}
    for k in range(c):
        leaders = tuple(
            int(x) for x in rng.choice([x.id for x in mentors], size=int(rng.integers(1, 3)), replace=False)
        )
        unit, (cid, ppl) = _circle(rng, k + 1, leaders)
        units.append(unit)
        leads[cid] = ppl
    mentees = tuple(_mentee(rng, i) for i in range(n))
    return Problem(mentees=mentees, mentors=tuple(mentors + units), circle_mentors=leads)


def ties(rng, n=7):
    """Identical mentees, one mentor and two identical circles: only tie-breaking decides."""
    mentees = tuple(Mentee(id=i, goals=(Goal("s0", 3, 1),)) for i in range(n))
    units = (circle_unit(1, {"s0": 3}, 2), circle_unit(2, {"s0": 3}, 2))
    mentors = (Mentor(id=100, skills={"s0": (3, True)}, capacity=2, formats=frozenset()),)
    return Problem(mentees=mentees, mentors=mentors + units, circle_mentors={CircleId(1): (100,), CircleId(2): (100,)})


def hot_topic(rng, n=7):
    """Everyone wants one topic: one scarce mentor, one circle with few seats, one weak circle."""
    mentees = tuple(
        Mentee(id=i, goals=(Goal("hot", int(rng.integers(2, 5)), 1), Goal("s1", 2, int(rng.integers(1, 4)))))
        for i in range(n)
    )
    mentors = (Mentor(id=100, skills={"hot": (4, True)}, capacity=1), Mentor(id=101, skills={"s1": (2, True)}))
    units = (circle_unit(1, {"hot": 4}, 3), circle_unit(2, {"hot": 2, "s1": 2}, 2))
    return Problem(
        mentees=mentees, mentors=mentors + units, circle_mentors={CircleId(1): (100,), CircleId(2): (101, 100)}
    )


def full_circle(rng, n=6):
    """A circle whose seats are all taken by locked members, and one with no seats at all."""
    base = mixed(rng, n, 2, 0)
    units = (circle_unit(1, {"s0": 4, "s1": 4}, 2), circle_unit(2, {"s2": 4}, 0))
    locks = frozenset({(CircleId(1), 0), (CircleId(1), 1)})
    return Problem(
        mentees=base.mentees,
        mentors=base.mentors + units,
        locks=locks,
        circle_mentors={CircleId(1): (100,), CircleId(2): (101,)},
    )


def chain_to_one_leader(rng, n=7):
    """Two mentors lead a circle; half the mentees report (directly or one level up) to one of them."""
    base = mixed(rng, n, 2, 0)
    units = (circle_unit(1, {s: 3 for s in SKILLS}, 5),)
    # mentees 1, 4 report to leader 101; 0, 3, 6 to 900, who reports to leader 100; 2, 5 to 950 (no leader)
    supervisors = {i: (900, 101, 950)[i % 3] for i in range(n)}
    supervisors[900] = 100
    bans = frozenset({(101, 5)})  # a ban against one leader keeps the mentee out of the circle
    return Problem(
        mentees=base.mentees,
        mentors=base.mentors + units,
        supervisors=supervisors,
        bans=bans,
        circle_mentors={CircleId(1): (100, 101)},
    )


GENERATORS = [mixed, ties, hot_topic, full_circle, chain_to_one_leader]


@pytest.mark.parametrize("gen", GENERATORS, ids=lambda g: g.__name__)
def test_pairs_and_circles_equal_the_dense_optimum_and_brute_force(gen):
    for seed in range(4):
        problem = gen(np.random.default_rng(seed))
        for settings in SETTINGS:
            result = solve(problem, settings)
            dense = solve_dense(problem, settings)
            best, _most = brute_force(problem, settings)
            assert result.objective == dense.objective == best, (gen.__name__, seed, settings)
            assert result.certificate.proven
            check_valid(problem, settings, result)
            # one placement per mentee: a pair or a seat, never both
            assert len({p.mentee_id for p in result.pairs}) == len(result.pairs)


def test_the_certificate_prices_circle_units_and_adds_circles_top_k_missed():
    rng = np.random.default_rng(11)
    mentees = tuple(Mentee(id=i, goals=(Goal("hot", 3, 1),)) for i in range(12))
    # a strong mentor with one place ranks first for every mentee: with k=1 only it is a candidate
    mentors = (Mentor(id=100, skills={"hot": (4, True)}, capacity=1, location="X"),)
    units = (circle_unit(1, {"hot": 3}, 8),)
    problem = Problem(
        mentees=tuple(Mentee(id=e.id, goals=e.goals, location="X") for e in mentees),
        mentors=mentors + units,
        circle_mentors={CircleId(1): (200,)},
    )
    settings = Settings(k=1)
    result = solve(problem, settings)
    assert result.objective == solve_dense(problem, settings).objective
    assert result.certificate.pairs_added > 0 and result.certificate.proven
    assert CircleId(1) in result.certificate.mentor_price
    seats = [p for p in result.pairs if is_circle(p.mentor_id)]
    assert len(seats) == 8 and len(result.pairs) == 9
    del rng


def test_every_circle_mentors_rules_hold_vectorised_and_scalar():
    problem = chain_to_one_leader(np.random.default_rng(0), n=7)
    settings = Settings()
    p = prepare(problem, settings)
    col = p.m_index[CircleId(1)]
    for e in problem.mentees:
        bits = p.forbidden[p.e_index[e.id], col]
        names = pair_rules(problem, settings, CircleId(1), e.id)
        # written out independently: a chain to either leader, or a ban against either
        expected = []
        if e.id % 3 in (0, 1):
            expected.append(the_rules.CHAIN)
        if e.id == 5:
            expected.append(the_rules.BAN)
        assert names == tuple(expected), e.id
        assert bool(bits) == bool(names)
    result = solve(problem, settings)
    assert {x.mentee_id for x in result.pairs if is_circle(x.mentor_id)} <= {2}
    answer = why_not(problem, result, 0, CircleId(1))
    assert answer.kind == "hard_rule" and the_rules.CHAIN in answer.rules


def test_a_mentee_who_leads_the_circle_or_is_below_a_leaders_grade_is_kept_out():
    mentees = (
        Mentee(id=1, goals=(Goal("s0", 3),)),
        Mentee(id=2, goals=(Goal("s0", 3),)),
        Mentee(id=3, goals=(Goal("s0", 3),)),
    )
    units = (circle_unit("c", {"s0": 3}, 4),)
    problem = Problem(
        mentees=mentees,
        mentors=units,
        circle_mentors={CircleId("c"): (1, 10)},
        grades={10: "GS-12", 2: "GS-13", 3: "GS-11"},
    )
    on = Settings(mentor_grade_at_or_above=True)
    assert pair_rules(problem, on, CircleId("c"), 1) == (the_rules.SELF,)
    assert pair_rules(problem, on, CircleId("c"), 2) == (the_rules.GRADE,)
    assert pair_rules(problem, on, CircleId("c"), 3) == ()
    assert {x.mentee_id for x in solve(problem, on).pairs} == {3}
    assert solve(problem, on).objective == solve_dense(problem, on).objective
    assert {x.mentee_id for x in solve(problem, Settings()).pairs} == {2, 3}


def test_a_circle_scores_its_skill_fit_alone_and_an_application_adds_the_choice_points():
    e = Mentee(id=1, goals=(Goal("s0", 4, 1, 0),), department="A", location="X", timezone=0)
    unit = circle_unit(7, {"s0": 2}, 5)
    problem = Problem(mentees=(e,), mentors=(unit,), circle_mentors={CircleId(7): (50,)})
    comps = pair_components(e, unit, Settings(), skill_rarity(problem.mentors))
    assert comps["skill"] == pytest.approx(7.5)  # half the gap: 5 + 5 x 0.5, the pairs' scale
    assert sum(v for k, v in comps.items() if k != "skill") == 0
    applied = Mentee(id=1, goals=e.goals, choices=(CircleId(7),))
    comps = pair_components(applied, unit, Settings(), {})
    assert comps["choice"] == 30.0


def test_circles_do_not_change_pair_scores_or_rarity():
    rng = np.random.default_rng(4)
    base = mixed(rng, 6, 3, 0)
    with_circles = mixed(np.random.default_rng(4), 6, 3, 2)
    assert skill_rarity(base.mentors) == skill_rarity(with_circles.mentors)


def test_stable_mode_keeps_circle_seats_and_rules():
    problem = hot_topic(np.random.default_rng(2))
    result = solve_stable(problem, Settings())
    check_valid(problem, Settings(), result)
    seats = Counter(p.mentor_id for p in result.pairs if is_circle(p.mentor_id))
    assert seats[CircleId(1)] <= 3 and seats[CircleId(2)] <= 2


def test_unmatched_reasons_name_a_full_circle():
    mentees = tuple(Mentee(id=i, goals=(Goal("s0", 3, 1),)) for i in range(4))
    problem = Problem(mentees=mentees, mentors=(circle_unit(1, {"s0": 3}, 2),), circle_mentors={CircleId(1): (99,)})
    result = solve(problem, Settings())
    assert len(result.pairs) == 2
    assert {u.reason for u in result.unmatched} == {"full"}
    left = result.unmatched[0].mentee_id
    assert why_not(problem, result, left, CircleId(1)).kind == "capacity"


def test_a_circle_with_three_mentors_is_refused_under_the_grade_rule():
    problem = Problem(
        mentees=(Mentee(id=1, goals=(Goal("s0", 3),)),),
        mentors=(circle_unit(1, {"s0": 3}, 4),),
        circle_mentors={CircleId(1): (5, 6, 7)},
        grades={5: "GS-12", 1: "GS-11"},
    )
    with pytest.raises(ProblemError, match="one or two"):
        solve(problem, Settings(mentor_grade_at_or_above=True))


def test_the_second_circle_mentors_grade_holds_in_pricing_too():
    """pair_allowed_q (the certificate's pair-by-pair pricing) applies the second mentor's grade."""
    from matching.engine.scoring import block_allowed_q, pair_allowed_q

    mentees = (Mentee(id=1, goals=(Goal("s0", 3),)), Mentee(id=2, goals=(Goal("s0", 3),)))
    problem = Problem(mentees=mentees, mentors=(circle_unit("c", {"s0": 3}, 4),),
                      circle_mentors={CircleId("c"): (10, 11)}, grades={10: "GS-15", 11: "GS-11", 1: "GS-13", 2: "GS-9"})
    settings = Settings(mentor_grade_at_or_above=True)
    p = prepare(problem, settings)
    block, _ = block_allowed_q(p, slice(0, p.n))
    pairs = pair_allowed_q(p, np.array([0, 1]), np.array([0, 0]))
    assert not np.isfinite(block[0, 0]) and np.isfinite(block[1, 0])
    assert np.array_equal(pairs, block[:, 0])
    assert solve(problem, settings).objective == solve_dense(problem, settings).objective
