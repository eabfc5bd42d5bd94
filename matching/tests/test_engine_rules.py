"""The engine's vectorised rules are programs.rules applied to blocks: both must agree on every pair."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest

from matching import engine
from matching.engine.rules import grade_block_mask, rule_names
from matching.engine.scoring import block_allowed_q, pair_allowed_q, prepare
from programs import rules

GRADES = ["GS-07", "GS-9", "GS-11", "GS-13", "GS-013", "gs 14", "SES", "Band 3", "Band 5", "", "Senior", "12", "N/A"]


def _random_problem(rng: random.Random, n_people: int) -> engine.Problem:
    ids = list(range(n_people))
    mentee_ids = rng.sample(ids, rng.randint(1, n_people))
    mentor_ids = rng.sample(ids, rng.randint(1, n_people))  # overlaps: some people are both (self pairs)
    supervisors: dict[int, int] = {}
    for pid in ids:
        roll = rng.random()
        if roll < 0.6:
            supervisors[pid] = rng.choice(ids)  # self-loops and cycles of any length happen here
        elif roll < 0.7:
            supervisors[pid] = n_people + rng.randint(0, 3)  # a manager outside the cohort
    # A few deliberate loops: A -> B -> A, and a long chain that bends back on itself.
    if n_people >= 6:
        supervisors[0], supervisors[1] = 1, 0
        for a, b in zip(range(2, n_people - 1), range(3, n_people), strict=False):
            supervisors[a] = b
        supervisors[n_people - 1] = 2
    pairs = [(m, e) for m in mentor_ids for e in mentee_ids]
    bans = frozenset(rng.sample(pairs, min(len(pairs), rng.randint(0, 6))))
    prior = frozenset(rng.sample(pairs, min(len(pairs), rng.randint(0, 6))))
    grades = {pid: rng.choice(GRADES) for pid in ids if rng.random() < 0.9}
    return engine.Problem(
        mentees=tuple(engine.Mentee(id=e) for e in mentee_ids),
        mentors=tuple(engine.Mentor(id=m, capacity=1) for m in mentor_ids),
        supervisors=supervisors, bans=bans, prior_pairs=prior, grades=grades,
    )


def _pure(problem: engine.Problem, settings: engine.Settings, mentor: int, mentee: int) -> tuple[str, ...]:
    """programs.rules straight from the problem's raw facts, without the engine in between."""
    return rules.pair_rules(
        mentor=mentor, mentee=mentee, supervisors=problem.supervisors, bans=problem.bans,
        prior_pairs=problem.prior_pairs, allow_repeat_pairs=settings.allow_repeat_pairs,
        grades={p: rules.grade_rank(problem.grades.get(p)) for p in (mentor, mentee)},
        grade_rule=settings.mentor_grade_at_or_above,
    )


@pytest.mark.parametrize("seed", range(40))
def test_vectorised_and_pure_rules_agree_on_every_pair_of_random_data(seed):
    rng = random.Random(seed)
    problem = _random_problem(rng, rng.randint(2, 30))
    # match_everyone: no minimum score or skill fit, so only the hard rules forbid a cell.
    settings = engine.Settings(
        allow_repeat_pairs=rng.random() < 0.5, mentor_grade_at_or_above=rng.random() < 0.7, match_everyone=True
    )
    p = prepare(problem, settings)
    q, rule_ok = block_allowed_q(p, slice(0, p.n))
    dense_bits = p.forbidden.toarray()
    grade = grade_block_mask(p.grades, slice(0, p.n))
    for i, mentee in enumerate(p.mentees):
        allowed_here = 0
        for j, mentor in enumerate(p.mentors):
            pure = _pure(problem, settings, mentor.id, mentee.id)
            vector = set(rule_names(int(dense_bits[i, j])))
            if grade is not None and grade[i, j]:
                vector.add(rules.GRADE)
            assert set(pure) == vector, (seed, mentor.id, mentee.id)
            # The engine forbids the cell exactly when some rule does (no minimum: match_everyone).
            assert np.isfinite(q[i, j]) == (not pure), (seed, mentor.id, mentee.id)
            # And the engine's scalar twin says the same.
            assert engine.pair_rules(problem, settings, mentor.id, mentee.id) == pure
            allowed_here += not pure
        assert rule_ok[i] == allowed_here
    # The pair-by-pair twin the certificate prices pruned pairs with agrees cell for cell.
    ii, jj = np.meshgrid(np.arange(p.n), np.arange(p.nm), indexing="ij")
    assert np.array_equal(pair_allowed_q(p, ii.ravel(), jj.ravel()), q.ravel())


def test_grade_rule_off_costs_nothing_and_forbids_nothing():
    problem = engine.Problem(
        mentees=(engine.Mentee(id=1),), mentors=(engine.Mentor(id=2),), grades={1: "GS-15", 2: "GS-5"}
    )
    p = prepare(problem, engine.Settings(match_everyone=True))
    assert p.grades is None
    assert np.isfinite(block_allowed_q(p, slice(0, 1))[0]).all()
    p = prepare(problem, engine.Settings(mentor_grade_at_or_above=True, match_everyone=True))
    assert not np.isfinite(block_allowed_q(p, slice(0, 1))[0]).any()


def test_a_long_chain_and_a_loop_in_the_supervisor_data_do_not_hang():
    # 200,000 people in one line, the top reporting to the bottom: a loop 200,000 long.
    n = 200_000
    supervisors = {i: i + 1 for i in range(n - 1)}
    supervisors[n - 1] = 0
    t0 = time.perf_counter()
    assert rules.managers(supervisors, 10) == [11, 12]
    assert rules.in_reporting_chain(supervisors, 10, 12) and rules.in_reporting_chain(supervisors, 12, 10)
    assert not rules.in_reporting_chain(supervisors, 10, 13)  # three levels up is outside the chain
    assert rules.in_reporting_chain(supervisors, n - 1, 1)  # through the loop: n-1 -> 0 -> 1
    assert rules.managers({5: 5}, 5) == [] and rules.managers({1: 2, 2: 1}, 1) == [2]
    assert time.perf_counter() - t0 < 0.1


def test_grades_are_read_on_one_scale_and_unknown_grades_never_refuse():
    assert rules.grade_rank("GS-13") == rules.grade_rank("gs 13") == rules.grade_rank("GS-013") == ("GS", 13)
    assert rules.grade_rank("Band 5") == ("BAND", 5)
    assert rules.grade_rank("SES") == ("GS", 16)
    assert rules.grade_rank("") is None and rules.grade_rank("Senior") is None and rules.grade_rank(None) is None
    below = rules.grade_below
    assert below(rules.grade_rank("GS-12"), rules.grade_rank("GS-13"))
    assert not below(rules.grade_rank("GS-13"), rules.grade_rank("GS-13"))  # at the grade is fine
    assert below(rules.grade_rank("GS-15"), rules.grade_rank("SES"))
    assert not below(rules.grade_rank("Band 1"), rules.grade_rank("GS-13"))  # two scales: not comparable
    assert not below(None, rules.grade_rank("GS-13")) and not below(rules.grade_rank("GS-5"), None)


def test_places_are_the_enrollments_figure_else_the_profiles_as_the_pages_coalesce_them():
    assert rules.mentor_places(3, 1) == 3
    assert rules.mentor_places(None, 2) == 2
    assert rules.mentor_places(0, 2) == 0  # said "none this cycle": the profile does not override it
    assert rules.mentor_places(None, None) == 0
    assert rules.has_room(2, 1) and not rules.has_room(2, 2) and not rules.has_room(0, 0)


def test_the_engine_and_the_rules_import_no_django():
    """Read the imports of every engine module and of programs/rules.py: none is Django or an app
    module other than programs.rules (which must stay pure for the engine to use it)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    files = [*sorted((root / "matching" / "engine").glob("*.py")), root / "programs" / "rules.py"]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top != "django", (path.name, name)
                if top in {"programs", "matching", "profiles", "reports", "surveys", "accounts"}:
                    assert name in {"programs", "programs.rules"}, (path.name, name)


@pytest.mark.parametrize("seed", range(40))
def test_circle_units_carry_the_rules_of_each_of_their_mentors_on_random_data(seed):
    """Circles led by one or two random people (loops in the supervisor data, bans on a leader
    or on the circle itself, grades on several scales): the vectorised bits, the engine's scalar
    twin and programs.rules.circle_rules, written out here from the raw facts, agree everywhere."""
    rng = random.Random(1000 + seed)
    base = _random_problem(rng, rng.randint(3, 30))
    people = sorted({m.id for m in base.mentors} | {e.id for e in base.mentees})
    units, leads = [], {}
    for k in range(rng.randint(1, 4)):
        cid = engine.CircleId(k)
        leads[cid] = tuple(rng.sample(people, rng.randint(1, min(2, len(people)))))
        units.append(engine.circle_unit(k, {}, rng.randint(1, 3)))
    circle_bans = {(engine.CircleId(rng.randrange(len(units))), e.id) for e in base.mentees if rng.random() < 0.1}
    problem = engine.Problem(
        mentees=base.mentees, mentors=base.mentors + tuple(units), supervisors=base.supervisors,
        bans=base.bans | frozenset(circle_bans), prior_pairs=base.prior_pairs, grades=base.grades,
        circle_mentors=leads,
    )
    settings = engine.Settings(
        allow_repeat_pairs=rng.random() < 0.5, mentor_grade_at_or_above=rng.random() < 0.7, match_everyone=True
    )
    p = prepare(problem, settings)
    q, rule_ok = block_allowed_q(p, slice(0, p.n))
    dense_bits = p.forbidden.toarray()
    grade = grade_block_mask(p.grades, slice(0, p.n))
    for i, mentee in enumerate(p.mentees):
        for j, mentor in enumerate(p.mentors):
            if not engine.is_circle(mentor.id):
                expected = set(_pure(problem, settings, mentor.id, mentee.id))
            else:
                ranks = {x: rules.grade_rank(problem.grades.get(x)) for x in (*leads[mentor.id], mentee.id)}
                expected = set(rules.circle_rules(
                    mentors=leads[mentor.id], mentee=mentee.id, supervisors=problem.supervisors, bans=problem.bans,
                    grades=ranks, grade_rule=settings.mentor_grade_at_or_above,
                ))
                if (mentor.id, mentee.id) in problem.bans:
                    expected.add(rules.BAN)
            vector = set(rule_names(int(dense_bits[i, j])))
            if grade is not None and grade[i, j]:
                vector.add(rules.GRADE)
            assert vector == expected, (seed, mentor.id, mentee.id)
            assert set(engine.pair_rules(problem, settings, mentor.id, mentee.id)) == expected
            assert np.isfinite(q[i, j]) == (not expected)
    ii, jj = np.meshgrid(np.arange(p.n), np.arange(p.nm), indexing="ij")
    assert np.array_equal(pair_allowed_q(p, ii.ravel(), jj.ravel()), q.ravel())
