"""The speed-round wish bonus in the engine: every scoring path agrees, sparse equals dense, and
the bonus only tips pairs that are otherwise equal (it never outweighs skill fit)."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import numpy as np

from matching.engine import pair_components, solve, solve_dense
from matching.engine.scoring import block_scores, pair_scores, prepare, skill_rarity
from matching.engine.synthetic import cohort
from matching.engine.types import Goal, Mentee, Mentor, Problem, Settings


def with_wishes(problem: Problem, seed: int) -> Problem:
    rng = random.Random(seed)
    ids = [m.id for m in problem.mentors]
    mentees = tuple(replace(e, met=frozenset(rng.sample(ids, k=min(3, len(ids))))) for e in problem.mentees)
    return replace(problem, mentees=mentees)


def test_block_pair_and_scalar_scores_agree_with_wishes():
    problem = with_wishes(cohort(60, 25, seed=3), seed=1)
    settings = Settings()
    p = prepare(problem, settings)
    block = block_scores(p, slice(0, len(problem.mentees)))
    rows, cols = np.nonzero(np.isfinite(block))
    assert np.array_equal(pair_scores(p, rows, cols), block[rows, cols])
    rarity = skill_rarity(problem.mentors)
    for i in range(0, len(problem.mentees), 7):
        e = problem.mentees[i]
        for j, m in enumerate(problem.mentors):
            comps = pair_components(e, m, settings, rarity)
            assert comps["met_wish"] == (2.0 if m.id in e.met else 0.0)
            if comps["skill"] > 0:
                assert math.isclose(sum(comps.values()), block[i, j], rel_tol=1e-9, abs_tol=1e-9)


def test_sparse_equals_dense_with_wishes():
    problem = with_wishes(cohort(80, 30, seed=9), seed=2)
    settings = Settings(k=30)
    assert solve(problem, settings).objective == solve_dense(problem, settings).objective


def test_the_wish_tips_a_tie_but_not_skill_fit():
    goal = (Goal("budget", target=4, priority=1),)
    strong = Mentor(id="strong", skills={"budget": (4, True)}, capacity=1)
    weak = Mentor(id="weak", skills={"budget": (2, True)}, capacity=1)
    twin = Mentor(id="twin", skills={"budget": (4, True)}, capacity=1)
    e = Mentee(id="e", goals=goal, met=frozenset({"weak"}))
    assert solve(Problem(mentees=(e,), mentors=(strong, weak)), Settings()).mentor_of("e") == "strong"
    e = replace(e, met=frozenset({"twin"}))
    assert solve(Problem(mentees=(e,), mentors=(strong, twin)), Settings()).mentor_of("e") == "twin"
    assert solve(Problem(mentees=(replace(e, met=frozenset()),), mentors=(twin, strong)),
                 Settings(weights=replace(Settings().weights, met_wish=0.0))).mentor_of("e") in {"strong", "twin"}
