"""Hypothesis strategies and brute-force references shared by the engine tests (no Django)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from matching.engine import SCALE, Goal, Mentee, Mentor, Problem, Settings, Weights, pair_components, pair_rules
from matching.engine.rules import in_chain
from matching.engine.scoring import penalty_q, score_allows, skill_rarity

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SKILLS = ["py", "sql", "ux", "law"]
DEPTS = [None, "HR", "IT"]
LOCS = [None, "Ottawa", "Paris"]
ZONES = [None, 0, -5, "Europe/Paris", "UTC+5:30", "America/Toronto"]
FMTS = st.frozensets(st.sampled_from(["in_person", "video", "phone"]), min_size=1)


@st.composite
def problems(draw, max_mentees: int = 5, max_mentors: int = 3, max_cap: int = 2, locks: bool = True):
    n_mentors = draw(st.integers(1, max_mentors))
    n_mentees = draw(st.integers(1, max_mentees))
    # ids overlap so one person can be both mentor and mentee
    mentor_ids = list(range(n_mentors))
    first = draw(st.integers(0, n_mentors))
    mentee_ids = list(range(first, first + n_mentees))
    mentors = tuple(
        Mentor(
            id=i,
            skills=draw(st.dictionaries(st.sampled_from(SKILLS), st.tuples(st.integers(1, 4), st.booleans()),
                                        max_size=3)),
            capacity=draw(st.integers(0, max_cap)),
            department=draw(st.sampled_from(DEPTS)),
            location=draw(st.sampled_from(LOCS)),
            timezone=draw(st.sampled_from(ZONES)),
            formats=draw(FMTS),
            retirement_eligible=draw(st.booleans()),
            prefers_teaching=draw(st.frozensets(st.sampled_from(SKILLS), max_size=2)),
            prefers_departments=draw(st.frozensets(st.sampled_from(DEPTS[1:]), max_size=1)),
        )
        for i in mentor_ids
    )
    mentees = tuple(
        Mentee(
            id=i,
            goals=tuple(draw(st.lists(st.builds(Goal, st.sampled_from(SKILLS), st.integers(1, 4), st.integers(1, 3),
                                                          st.integers(0, 3)),
                                      max_size=3))),
            department=draw(st.sampled_from(DEPTS)),
            location=draw(st.sampled_from(LOCS)),
            timezone=draw(st.sampled_from(ZONES)),
            formats=draw(FMTS),
            choices=tuple(draw(st.lists(st.sampled_from(mentor_ids + [99]), max_size=3))),
        )
        for i in mentee_ids
    )
    people = sorted(set(mentor_ids) | set(mentee_ids))
    supervisors = draw(st.dictionaries(st.sampled_from(people), st.sampled_from(people), max_size=len(people)))
    all_pairs = [(m, e) for m in mentor_ids for e in mentee_ids]
    bans = frozenset(draw(st.lists(st.sampled_from(all_pairs), max_size=3)))
    prior = frozenset(draw(st.lists(st.sampled_from(all_pairs), max_size=3)))
    lock_set: dict[int, int] = {}
    if locks:
        used: dict[int, int] = {}
        caps = {m.id: m.capacity for m in mentors}
        for m, e in draw(st.lists(st.sampled_from(all_pairs), max_size=2)):
            if (e in lock_set or m == e or (m, e) in bans or used.get(m, 0) >= caps[m]
                    or in_chain(supervisors, m, e)):
                continue
            lock_set[e] = m
            used[m] = used.get(m, 0) + 1
    return Problem(mentees=mentees, mentors=mentors, supervisors=supervisors, bans=bans, prior_pairs=prior,
                   locks=frozenset((m, e) for e, m in lock_set.items()))


@st.composite
def engine_settings(draw, k=None):
    return Settings(
        min_score=draw(st.sampled_from([0.0, 0.0, 5.0, 15.0])),
        unmatched_penalty=draw(st.sampled_from([0.0, 3.0, 1000.0])),
        allow_repeat_pairs=draw(st.booleans()),
        k=k if k is not None else draw(st.sampled_from([1, 2, 50])),
        match_everyone=draw(st.sampled_from([False, False, True])),
        weights=Weights(cross_department=draw(st.sampled_from([1.0, -1.5]))),
    )


def scalar_q(problem: Problem, settings: Settings) -> dict[tuple, int | None]:
    """Independent scalar reference: q of every (mentor, mentee) pair, None when not allowed."""
    rarity = skill_rarity(problem.mentors)
    out = {}
    for m in problem.mentors:
        for e in problem.mentees:
            comps = pair_components(e, m, settings, rarity)
            q = round(sum(comps.values()) * SCALE)
            ok = not pair_rules(problem, settings, m.id, e.id) and score_allows(comps, settings)
            out[(m.id, e.id)] = q if ok else None
    return out


def brute_force(problem: Problem, settings: Settings) -> tuple[int, int]:
    """(best objective, most matched mentees) by enumerating every assignment."""
    q = scalar_q(problem, settings)
    pen = penalty_q(settings, len(problem.mentees))
    left = {m.id: m.capacity for m in problem.mentors}
    for m, _e in problem.locks:
        left[m] -= 1
    locked = {e for _m, e in problem.locks}
    free = [e.id for e in problem.mentees if e.id not in locked]
    options = [[None] + [m.id for m in problem.mentors if q[(m.id, e)] is not None and q[(m.id, e)] + pen >= 0]
               for e in free]
    best, most = 0, 0
    for combo in itertools.product(*options):
        used: dict = {}
        for m in combo:
            if m is not None:
                used[m] = used.get(m, 0) + 1
        if any(used[m] > left[m] for m in used):
            continue
        best = max(best, sum(q[(m, e)] + pen for m, e in zip(combo, free, strict=True) if m is not None))
        most = max(most, sum(m is not None for m in combo))
    return best, most


def test_strategies_draw_valid_problems():
    from hypothesis import given

    @FAST
    @given(problems())
    def check(problem):
        assert problem.mentees and problem.mentors

    check()
