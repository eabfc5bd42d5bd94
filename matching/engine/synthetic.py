"""Seeded synthetic cohorts for tests and the benchmark (realistic shapes, no real data)."""

from __future__ import annotations

import numpy as np

from .rules import in_chain
from .types import FORMATS, Goal, Mentee, Mentor, Problem

ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Europe/London", 5.5)


def cohort(n_mentees: int, n_mentors: int, seed: int = 1, n_skills: int = 150, n_categories: int = 12,
           n_departments: int = 12, n_locations: int = 6) -> Problem:
    """About 150 skills in 12 categories; mentors hold 3-10 skills (mostly from one category);
    mentees have 1-4 IDP goals; capacities 1-3; ~5% of mentors are also mentees; a supervisor
    tree over everyone; ~30% of mentees rank 1-3 mentors; some bans, prior pairs and locks."""
    rng = np.random.default_rng(seed)
    cats = np.arange(n_skills) % n_categories
    by_cat = [np.flatnonzero(cats == c) for c in range(n_categories)]

    def pick_skills(count: int) -> list[int]:
        home = by_cat[rng.integers(n_categories)]
        picks = set()
        while len(picks) < count:
            pool = home if rng.random() < 0.75 else np.arange(n_skills)
            picks.add(int(pool[rng.integers(len(pool))]))
        return sorted(picks)

    def formats() -> frozenset[str]:
        f = frozenset(x for x in FORMATS if rng.random() < 0.6)
        return f or frozenset(["video"])

    loc_zone = [ZONES[i % len(ZONES)] for i in range(n_locations)]
    mentors = []
    teachers: dict[int, list[int]] = {}
    for pid in range(n_mentors):
        skills = {}
        for s in pick_skills(int(rng.integers(3, 11))):
            skills[f"s{s:03d}"] = (int(rng.choice([1, 2, 3, 4], p=[0.1, 0.25, 0.4, 0.25])), bool(rng.random() < 0.85))
            if skills[f"s{s:03d}"][1]:
                teachers.setdefault(s, []).append(pid)
        loc = int(rng.integers(n_locations))
        mentors.append(Mentor(id=pid, skills=skills, capacity=int(rng.integers(1, 4)),
                              department=f"D{int(rng.integers(n_departments)):02d}", location=f"L{loc}",
                              timezone=loc_zone[loc], formats=formats(), retirement_eligible=bool(rng.random() < 0.1)))
    first = int(n_mentors * 0.95)
    mentees = []
    for pid in range(first, first + n_mentees):
        goal_skills = pick_skills(int(rng.integers(1, 5)))
        goals = tuple(Goal(f"s{s:03d}", int(rng.integers(2, 5)), int(rng.integers(1, 4))) for s in goal_skills)
        choices: list[int] = []
        if rng.random() < 0.3:
            for _ in range(int(rng.integers(1, 4))):
                pool = teachers.get(goal_skills[int(rng.integers(len(goal_skills)))]) or [0]
                c = pool[int(rng.integers(len(pool)))]
                if c not in choices:
                    choices.append(c)
        loc = int(rng.integers(n_locations))
        mentees.append(Mentee(id=pid, goals=goals, department=f"D{int(rng.integers(n_departments)):02d}",
                              location=f"L{loc}", timezone=loc_zone[loc], formats=formats(), choices=tuple(choices)))
    people = first + n_mentees
    supervisors = {p: int(rng.integers(0, p)) for p in range(1, people) if rng.random() < 0.8}
    rnd_pairs = lambda k: {(int(rng.integers(n_mentors)), int(rng.integers(first, people))) for _ in range(k)}  # noqa: E731
    bans = frozenset(rnd_pairs(max(1, n_mentees // 200)))
    prior = frozenset(rnd_pairs(max(1, n_mentees // 20)))
    locks = {}
    used: dict[int, int] = {}
    for mentor_id, mentee_id in sorted(rnd_pairs(max(1, n_mentees // 200))):
        cap = mentors[mentor_id].capacity
        if (mentee_id in locks or mentor_id == mentee_id or (mentor_id, mentee_id) in bans
                or used.get(mentor_id, 0) >= cap or in_chain(supervisors, mentor_id, mentee_id)):
            continue
        locks[mentee_id] = mentor_id
        used[mentor_id] = used.get(mentor_id, 0) + 1
    return Problem(mentees=tuple(mentees), mentors=tuple(mentors), supervisors=supervisors, bans=bans,
                   prior_pairs=prior, locks=frozenset((m, e) for e, m in locks.items()))


def skewed_cohort(n_mentees: int, n_mentors: int, seed: int = 1, exponent: float = 1.1, **kw) -> Problem:
    """cohort() with goal demand skewed like a real department: each mentee's goals are drawn
    from the mentors' skills with Zipf weights (skill r of the catalogue wanted ~ 1 / r**exponent),
    so a few skills are wanted by many and their teachers are scarce."""
    from dataclasses import replace

    base = cohort(n_mentees, n_mentors, seed=seed, **kw)
    rng = np.random.default_rng(seed + 7919)
    skills = sorted({s for m in base.mentors for s in m.skills})
    weights = 1.0 / np.arange(1, len(skills) + 1) ** exponent
    weights /= weights.sum()
    order = rng.permutation(len(skills))  # which skills are hot is random, not alphabetical
    mentees = []
    for e in base.mentees:
        picks = {skills[order[int(i)]] for i in rng.choice(len(skills), size=len(e.goals) or 1, p=weights)}
        goals = tuple(Goal(s, int(rng.integers(2, 5)), int(rng.integers(1, 4))) for s in sorted(picks))
        mentees.append(replace(e, goals=goals))
    return replace(base, mentees=tuple(mentees))
