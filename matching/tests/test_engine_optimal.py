"""The optimal solver: exact against brute force and the dense oracle, rules kept, deterministic."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given

from matching.engine import (
    Goal,
    Mentee,
    Mentor,
    Problem,
    ProblemError,
    Settings,
    Weights,
    pair_components,
    pair_rules,
    scoring,
    solve,
    solve_dense,
    solve_greedy,
    solve_stable,
)
from matching.engine.scoring import prepare, score_allows, skill_rarity, tz_hours
from matching.engine.solve import dense_q

from .test_engine_strategies import FAST, brute_force, engine_settings, problems, scalar_q


def check_valid(problem, settings, result):
    """Hard rules, capacity, locks, one mentor per mentee, min score (locks excepted)."""
    caps = {m.id: m.capacity for m in problem.mentors}
    mentee_ids = [p.mentee_id for p in result.pairs]
    assert len(mentee_ids) == len(set(mentee_ids))
    for mentor_id, n in Counter(p.mentor_id for p in result.pairs).items():
        assert n <= caps[mentor_id]
    got = {(p.mentor_id, p.mentee_id) for p in result.pairs}
    assert problem.locks <= got
    for p in result.pairs:
        assert p.locked == ((p.mentor_id, p.mentee_id) in problem.locks)
        if not p.locked:
            assert pair_rules(problem, settings, p.mentor_id, p.mentee_id) == ()
            assert score_allows(dict(p.explanation.components), settings)
    assert {u.mentee_id for u in result.unmatched} | {p.mentee_id for p in result.pairs} == {
        e.id for e in problem.mentees}


@FAST
@given(problems(), engine_settings(k=50))
def test_optimal_objective_equals_brute_force(problem, settings):
    result = solve(problem, settings)
    best, most = brute_force(problem, settings)
    assert result.objective == best
    check_valid(problem, settings, result)
    if settings.unmatched_penalty >= 1000:  # big penalty: most mentees matched first
        assert len(result.pairs) - len(problem.locks) == most


@FAST
@given(problems(max_mentees=10, max_mentors=6, max_cap=3), engine_settings(k=50))
def test_sparse_equals_dense_when_k_covers_every_mentor(problem, settings):
    assert solve(problem, settings).objective == solve_dense(problem, settings).objective


@FAST
@given(problems(max_mentees=10, max_mentors=6, max_cap=3), engine_settings())
def test_every_solver_keeps_hard_rules_capacity_and_locks(problem, settings):
    dense = solve_dense(problem, settings)
    for solver in (solve, solve_dense, solve_greedy, solve_stable):
        result = solver(problem, settings)
        check_valid(problem, settings, result)
        assert result.objective <= dense.objective  # nothing beats the exact optimum


@FAST
@given(problems(max_mentees=8, max_mentors=5), engine_settings())
def test_vectorised_scores_equal_the_scalar_components(problem, settings):
    p = prepare(problem, settings)
    Q = dense_q(p)
    ref = scalar_q(problem, settings)
    for (mid, eid), q in ref.items():
        got = Q[p.e_index[eid], p.m_index[mid]]
        assert (q is None and got == -np.inf) or got == q


def test_context_table_fallback_gives_the_same_scores(monkeypatch):
    from matching.engine.synthetic import cohort

    problem = cohort(60, 30, seed=3)
    before = dense_q(prepare(problem, Settings()))
    monkeypatch.setattr(scoring, "_TABLE_LIMIT", 0)
    p = prepare(problem, Settings())
    assert p.table is None
    assert np.array_equal(dense_q(p), before)


@FAST
@given(problems(max_mentees=8, max_mentors=5), engine_settings())
def test_same_input_same_output_whatever_the_order(problem, settings):
    a = solve(problem, settings)
    b = solve(replace(problem, mentees=problem.mentees[::-1], mentors=problem.mentors[::-1]), settings)
    assert a == b


def test_synthetic_cohort_sparse_is_within_a_tenth_of_a_percent_of_dense():
    from matching.engine.synthetic import cohort

    problem = cohort(400, 200, seed=5)
    sparse, dense = solve(problem, Settings(k=20)), solve_dense(problem, Settings())
    assert sparse.objective <= dense.objective
    assert dense.objective - sparse.objective <= 0.001 * dense.objective
    assert solve(problem, Settings(k=200)).objective == dense.objective
    check_valid(problem, Settings(), sparse)


def test_min_score_and_penalty_trade_matching_many_against_good_pairs():
    mentors = (Mentor(id="m1", skills={"py": (4, True)}, capacity=1), Mentor(id="m2", capacity=1))
    mentees = (Mentee(id="a", goals=(Goal("py", 4, 1),)), Mentee(id="b", goals=(Goal("py", 4, 1),)))
    problem = Problem(mentees=mentees, mentors=mentors)
    assert len(solve(problem, Settings()).pairs) == 1  # by default m2 (no skill fit) is never proposed
    loose = solve(problem, Settings(match_everyone=True))
    assert len(loose.pairs) == 2  # matching everyone takes m2 for its context points
    strict = solve(problem, Settings(min_score=10))
    assert [p.mentor_id for p in strict.pairs] == ["m1"]  # m2 is below the minimum for both
    (left,) = strict.unmatched
    assert left.reason == "full" and left.taken == (("m1", (strict.pairs[0].mentee_id,)),)
    assert solve(problem, Settings(min_score=10)) == strict  # the tie is broken the same way every time


def test_mentee_ranked_choices_are_a_strong_component():
    mentors = tuple(Mentor(id=i, skills={"py": (4, True)}) for i in range(3))
    problem = Problem(mentees=(Mentee(id=9, goals=(Goal("py", 3),), choices=(2, 1)),), mentors=mentors)
    rarity = skill_rarity(mentors)
    pts = [pair_components(problem.mentees[0], m, Settings(), rarity)["choice"] for m in mentors]
    assert pts == [0.0, 20.0, 30.0]
    assert solve(problem).pairs[0].mentor_id == 2


def test_locks_must_respect_rules_and_capacity_but_may_repeat_a_prior_pair():
    mentors = (Mentor(id=1, capacity=1),)
    mentees = (Mentee(id=2), Mentee(id=3))
    with pytest.raises(ProblemError, match="ban"):
        solve(Problem(mentees=mentees, mentors=mentors, bans=frozenset({(1, 2)}), locks=frozenset({(1, 2)})))
    with pytest.raises(ProblemError, match="capacity"):
        solve(Problem(mentees=mentees, mentors=mentors, locks=frozenset({(1, 2), (1, 3)})))
    with pytest.raises(ProblemError, match="reporting chain|reporting_chain"):
        solve(Problem(mentees=mentees, mentors=mentors, supervisors={2: 5, 5: 1}, locks=frozenset({(1, 2)})))
    ok = solve(Problem(mentees=mentees, mentors=mentors, prior_pairs=frozenset({(1, 2)}), locks=frozenset({(1, 2)})))
    assert [(p.mentor_id, p.mentee_id, p.locked) for p in ok.pairs] == [(1, 2, True)]


def test_weights_and_settings_round_trip_through_json():
    s = Settings(weights=Weights(skill=12, choice=(40, 25)), min_score=4, unmatched_penalty=50, k=30)
    assert Settings.from_dict(json.loads(json.dumps(s.to_dict()))) == s
    assert Weights.from_dict({"skill": 1.5, "unknown": 3}) == Weights(skill=1.5)
    assert Settings.from_dict({}) == Settings()


def test_time_zones_from_names_offsets_and_numbers():
    ref = Settings().tz_reference
    assert tz_hours("UTC+5:30", ref) == 5.5
    assert tz_hours("-03", ref) == -3
    assert tz_hours("Europe/Paris", ref) == 1.0
    assert tz_hours(-5, ref) == -5.0
    assert np.isnan(tz_hours("Nowhere/Else", ref))


def test_a_huge_unmatched_penalty_still_solves_and_maximises_the_matched_count():
    from matching.engine.synthetic import cohort

    problem = cohort(300, 60, seed=7)  # far fewer places than mentees
    settings = Settings(unmatched_penalty=1e13, min_score=8)
    sparse, dense = solve(problem, settings), solve_dense(problem, settings)
    assert sparse.objective == dense.objective and len(sparse.pairs) == len(dense.pairs)
    check_valid(problem, settings, sparse)


_DETERMINISM_SCRIPT = """
import hashlib
from dataclasses import replace
from matching.engine import Problem, Settings, solve, solve_stable
from matching.engine.synthetic import cohort
p = cohort(150, 60, seed=9)
s = lambda i: f"p{i:05d}"
p = Problem(mentees=tuple(replace(e, id=s(e.id), choices=tuple(map(s, e.choices))) for e in p.mentees),
            mentors=tuple(replace(m, id=s(m.id)) for m in p.mentors),
            supervisors={s(a): s(b) for a, b in p.supervisors.items()},
            bans=frozenset((s(a), s(b)) for a, b in p.bans),
            prior_pairs=frozenset((s(a), s(b)) for a, b in p.prior_pairs),
            locks=frozenset((s(a), s(b)) for a, b in p.locks))
out = [solve(p, Settings(k=5, min_score=5)), solve_stable(p, Settings(k=5))]
print(hashlib.sha256(repr([(r.pairs, r.unmatched) for r in out]).encode()).hexdigest())
"""


def test_results_do_not_depend_on_string_hash_seeds():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        out = subprocess.run([sys.executable, "-c", _DETERMINISM_SCRIPT], env=env, cwd=root, capture_output=True,
                             text=True, check=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1
