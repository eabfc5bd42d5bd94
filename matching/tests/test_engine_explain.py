"""Explanations add up; unmatched mentees and "why not mentor X?" are answered from the same data."""

from __future__ import annotations

import math

from hypothesis import given

from matching.engine import (
    SCALE,
    Goal,
    Mentee,
    Mentor,
    Problem,
    Settings,
    pair_rules,
    solve,
    solve_stable,
    suggestions,
    why_not,
)
from matching.engine.scoring import pair_components, penalty_q, prepare, score_allows, skill_rarity
from matching.engine.solve import dense_q

from .test_engine_strategies import FAST, engine_settings, problems


@FAST
@given(problems(max_mentees=8, max_mentors=5, max_cap=3), engine_settings())
def test_every_pair_explanation_adds_up_to_its_score(problem, settings):
    result = solve(problem, settings)
    p = prepare(problem, settings)
    Q = dense_q(p)
    for pair in result.pairs:
        ex = pair.explanation
        assert math.isclose(sum(ex.components.values()), pair.score, abs_tol=1e-9)
        assert set(ex.components) == {"skill", "knowledge_transfer", "mentor_skill", "cross_department", "location",
                                      "timezone", "format", "mentor_department", "choice", "met_wish"}
        assert math.isclose(sum(g.points for g in ex.goals), ex.components["skill"] + ex.components[
            "knowledge_transfer"] + ex.components["mentor_skill"], abs_tol=1e-9)
        mentee = next(e for e in problem.mentees if e.id == pair.mentee_id)
        assert [g.skill for g in ex.goals] == [g.skill for g in mentee.goals]
        for r in ex.removed:
            assert r.rules == pair_rules(problem, settings, r.mentor_id, pair.mentee_id) != ()
        removed_ids = {r.mentor_id for r in ex.removed}
        assert removed_ids == {m.id for m in problem.mentors if pair_rules(problem, settings, m.id, pair.mentee_id)}
        if not pair.locked:
            assert round(pair.score * SCALE) == Q[p.e_index[pair.mentee_id], p.m_index[pair.mentor_id]]
    assert math.isclose(result.total_score, sum(x.score for x in result.pairs), abs_tol=1e-9)


@FAST
@given(problems(max_mentees=8, max_mentors=5, max_cap=3), engine_settings(k=50))
def test_why_not_answers_are_consistent_with_the_result(problem, settings):
    for solver in (solve, solve_stable):
        result = solver(problem, settings)
        partner = {p.mentee_id: p for p in result.pairs}
        load = {m.id: sum(1 for p in result.pairs if p.mentor_id == m.id) for m in problem.mentors}
        for e in problem.mentees:
            for m in problem.mentors:
                w = why_not(problem, result, e.id, m.id)
                mine = partner.get(e.id)
                if mine and mine.mentor_id == m.id:
                    assert w.kind == "assigned"
                elif pair_rules(problem, settings, m.id, e.id):
                    assert w.kind == "hard_rule" and w.rules == pair_rules(problem, settings, m.id, e.id)
                elif mine and mine.locked:
                    assert w.kind == "locked_elsewhere"
                elif not score_allows(pair_components(e, m, settings, skill_rarity(problem.mentors)), settings):
                    assert w.kind == "below_min_score"
                elif load[m.id] >= m.capacity:
                    assert w.kind == "capacity"
                    assert {t for t, _s in w.taken_by} == {p.mentee_id for p in result.pairs if p.mentor_id == m.id}
                elif solver is solve:
                    # an optimum never leaves an allowed, better pair with free room unused
                    if mine:
                        assert w.kind == "lower_score" and w.difference >= -1e-9
                    else:
                        assert round(w.score * SCALE) + penalty_q(settings, len(problem.mentees)) <= 0


def _cohort():
    mentors = (
        Mentor(id="ana", skills={"py": (4, True)}, capacity=1, department="IT"),
        Mentor(id="bo", skills={"py": (3, True)}, capacity=1, department="IT"),
        Mentor(id="cy", skills={"py": (2, True)}, capacity=2, department="HR"),
        Mentor(id="dee", skills={"py": (4, True)}, capacity=1),
        Mentor(id="eve", skills={"py": (4, True)}, capacity=1),
    )
    mentees = (
        Mentee(id="eve", goals=(Goal("py", 4, 1),), department="HR"),
        Mentee(id="fay", goals=(Goal("py", 4, 1),), department="HR"),
        Mentee(id="gus", goals=(Goal("py", 4, 1),), department="HR", choices=("ana",)),
    )
    return Problem(mentees=mentees, mentors=mentors, supervisors={"fay": "dee"}, bans=frozenset({("bo", "fay")}))


def test_why_not_names_the_rule_the_taker_or_the_score_gap():
    problem = _cohort()
    result = solve(problem, Settings(min_score=9))
    got = {(p.mentor_id, p.mentee_id) for p in result.pairs}
    assert ("ana", "gus") in got  # gus chose ana
    assert why_not(problem, result, "eve", "eve").rules == ("self",)
    assert why_not(problem, result, "fay", "dee").rules == ("reporting_chain",)
    assert why_not(problem, result, "fay", "bo").rules == ("ban",)
    w = why_not(problem, result, "fay", "ana")
    assert w.kind == "capacity" and w.taken_by[0][0] == "gus"
    w = why_not(problem, result, "gus", "cy")
    assert w.kind == "below_min_score"  # 7.5 points of skill and 1.25 of context: under the minimum 9
    w = why_not(problem, result, "gus", "ana")
    assert w.kind == "assigned"


def test_lower_score_answer_says_by_how_much():
    mentors = (Mentor(id=1, skills={"py": (4, True)}, capacity=2), Mentor(id=2, skills={"py": (2, True)}, capacity=2))
    problem = Problem(mentees=(Mentee(id=3, goals=(Goal("py", 4, 1),)),), mentors=mentors)
    result = solve(problem)
    w = why_not(problem, result, 3, 2)
    assert w.kind == "lower_score" and w.assigned_mentor == 1
    assert math.isclose(w.difference, 2.5) and "2.5 less" in w.message  # level 2 closes half of the gap


def test_unmatched_mentees_get_a_reason():
    mentors = (Mentor(id="m", skills={"py": (4, True)}, capacity=1),)
    mentees = (
        Mentee(id="banned", goals=(Goal("py", 4, 1),)),
        Mentee(id="weak", goals=(Goal("ux", 4, 1),)),
        Mentee(id="late", goals=(Goal("py", 4, 2),)),
        Mentee(id="top", goals=(Goal("py", 4, 1),)),
    )
    problem = Problem(mentees=mentees, mentors=mentors, bans=frozenset({("m", "banned")}))
    result = solve(problem, Settings(min_score=5))
    reasons = {u.mentee_id: u for u in result.unmatched}
    assert result.pairs[0].mentee_id == "top"
    assert reasons["banned"].reason == "no_allowed_mentor"
    assert reasons["weak"].reason == "below_min_score"
    assert reasons["late"].reason == "full" and reasons["late"].taken == (("m", ("top",)),)
    assert "full with 'top'" in reasons["late"].detail


def test_suggestions_skip_full_mentors_and_forbidden_ones_and_explain():
    mentors = (
        Mentor(id=1, skills={"py": (4, True)}, capacity=1),  # full with a lock
        Mentor(id=2, skills={"py": (3, True)}, capacity=1),
        Mentor(id=3, skills={"py": (3, True)}, capacity=1),  # ties with 2: lower id first
        Mentor(id=4, skills={"py": (4, True)}, capacity=1),  # banned
        Mentor(id=5, skills={}, capacity=1),
    )
    mentees = (Mentee(id=10, goals=(Goal("py", 4, 1),), choices=(5,)), Mentee(id=11))
    problem = Problem(mentees=mentees, mentors=mentors, bans=frozenset({(4, 10)}), locks=frozenset({(1, 11)}))
    got = suggestions(problem, 10, n=2)
    assert [s.mentor_id for s in got] == [2, 3]
    assert all(math.isclose(s.score, s.explanation.total) for s in got)
    assert got[0].explanation.goals[0].mentor_level == 3 and not got[0].explanation.goals[0].covered
    assert [s.mentor_id for s in suggestions(problem, 10, n=5)] == [2, 3]  # 5 teaches nothing she needs
