"""Rotation properties on nasty inputs: no repeated pair, nobody twice in a round, everyone meets
as many as possible, sit-outs spread fairly, forbidden pairs never seated."""

from __future__ import annotations

from collections import Counter
from itertools import product

import pytest

from speedrounds.rotation import MAX_ROUNDS, RotationError, rotate


def check(rotation, mentors, mentees, forbidden=frozenset()):
    pairs = [(m.mentor, m.mentee) for m in rotation.meetings]
    assert len(pairs) == len(set(pairs)), "a pair met twice"
    for r in range(1, rotation.rounds + 1):
        people = [p for m in rotation.meetings_in(r) for p in (m.mentor, m.mentee)]
        assert len(people) == len(set(people)), f"someone is in two places in round {r}"
        assert set(people) | set(rotation.waiting[r - 1]) == set(mentors) | set(mentees)
        assert not set(people) & set(rotation.waiting[r - 1])
        for m in rotation.meetings_in(r):
            assert m.table == rotation.tables[m.mentor], "a mentor moved"
    assert all(m.mentor in mentors and m.mentee in mentees for m in rotation.meetings), "mentors and mentees alternate"
    assert not set(pairs) & set(forbidden)
    return pairs


@pytest.mark.parametrize(
    ("mentors", "mentees", "message"),
    [
        ([], [], "Nobody has said they are going"),
        ([1], [], "Only one person"),
        ([], [1], "Only one person"),
        ([1, 2, 3], [], "are mentors"),
        ([], [1, 2], "are mentees"),
    ],
)
def test_impossible_groups_say_why(mentors, mentees, message):
    with pytest.raises(RotationError, match=message):
        rotate(mentors, mentees)


def test_someone_cannot_be_both():
    with pytest.raises(RotationError, match="both"):
        rotate([1, 2], [2, 3])


@pytest.mark.parametrize("rounds", [0, -3, True, 2.5])
def test_bad_round_counts_are_refused(rounds):
    with pytest.raises(RotationError, match="at least one round"):
        rotate([1], [2], rounds=rounds)


def test_one_mentor_one_mentee_meet_once():
    rotation = rotate(["m"], ["e"], rounds=5)
    assert rotation.rounds == 1 and check(rotation, ["m"], ["e"]) == [("m", "e")]


def test_two_mentors_and_nine_mentees_everyone_meets_both_mentors_and_waits_equally():
    mentors, mentees = ["A", "B"], list(range(9))
    rotation = rotate(mentors, mentees)
    pairs = check(rotation, mentors, mentees)
    assert rotation.rounds == 9 and set(pairs) == set(product(mentors, mentees))
    waits = Counter(p for w in rotation.waiting for p in w)
    assert all(waits[e] == 7 for e in mentees) and waits["A"] == waits["B"] == 0


def test_more_mentors_than_mentees_gives_mentors_free_tables_fairly():
    mentors, mentees = list(range(10, 17)), ["x", "y", "z"]
    rotation = rotate(mentors, mentees)
    assert set(check(rotation, mentors, mentees)) == set(product(mentors, mentees))
    waits = Counter(p for w in rotation.waiting for p in w)
    assert {waits[m] for m in mentors} == {4} and all(waits[e] == 0 for e in mentees)


def test_fifty_by_fifty_everyone_meets_everyone_once():
    mentors, mentees = [f"m{i}" for i in range(50)], [f"e{i}" for i in range(50)]
    rotation = rotate(mentors, mentees)
    pairs = check(rotation, mentors, mentees)
    assert rotation.rounds == 50 and len(pairs) == 2500 and set(pairs) == set(product(mentors, mentees))
    assert all(not w for w in rotation.waiting)


@pytest.mark.parametrize(("n_mentors", "n_mentees", "rounds"), [(3, 8, 5), (8, 3, 4), (5, 5, 2), (13, 50, 12)])
def test_fewer_rounds_spread_sit_outs_within_one(n_mentors, n_mentees, rounds):
    mentors, mentees = list(range(n_mentors)), list(range(100, 100 + n_mentees))
    rotation = rotate(mentors, mentees, rounds=rounds)
    check(rotation, mentors, mentees)
    waits = Counter(p for w in rotation.waiting for p in w)
    for group in (mentors, mentees):
        counts = [waits[p] for p in group]
        assert max(counts) - min(counts) <= 1
    # Every round fills every seat it can: min(mentors, mentees) conversations.
    assert all(len(rotation.meetings_in(r)) == min(n_mentors, n_mentees) for r in range(1, rotation.rounds + 1))


def test_rounds_beyond_everyone_are_capped():
    rotation = rotate([1, 2], [3, 4, 5], rounds=MAX_ROUNDS + 50)
    assert rotation.rounds == 3


def test_forbidden_pairs_are_never_seated_and_every_other_pair_meets():
    mentors, mentees = [1, 2, 3], [10, 11, 12, 13]
    banned = {(1, 10), (3, 13)}
    rotation = rotate(mentors, mentees, forbidden=lambda a, b: (a, b) in banned)
    pairs = check(rotation, mentors, mentees, banned)
    assert set(pairs) == set(product(mentors, mentees)) - banned
    assert set(rotation.kept_apart) == banned


def test_duplicates_in_the_input_count_once():
    rotation = rotate([1, 1, 2], [3, 3])
    assert rotation.tables == {1: 1, 2: 2} and len(rotation.meetings) == 2
