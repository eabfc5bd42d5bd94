"""Speed-round rotations: pure functions, no Django.

Mentors stay at their tables; mentees move one place on each round. With n = the larger of the
two groups, mentors and mentees are set evenly around a circle of n places and each round every
mentee moves one place on, so over n rounds every mentor meets every mentee exactly once and
nobody meets anyone twice. When the groups differ in size the missing places are free tables
(mentors wait) or breaks (mentees wait), spread evenly round the circle, so each person sits out
the same number of rounds, give or take one when fewer rounds are held.

A pair the hard rules keep apart (someone and their manager) is simply not seated: both wait
that round. The schedule is then still the most meetings possible: every allowed pair meets
once when all n rounds are held.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

PersonId = Hashable

# More rounds than people is never useful (there is nobody new to meet); this also bounds the work.
MAX_ROUNDS = 200


class RotationError(ValueError):
    """The attendees cannot make a rotation; the message says why, for the coordinator."""


@dataclass(frozen=True)
class Meeting:
    round: int  # 1-based
    table: int  # 1-based: the mentor's table
    mentor: PersonId
    mentee: PersonId


@dataclass(frozen=True)
class Rotation:
    rounds: int
    tables: dict[PersonId, int]  # mentor -> table (1-based)
    meetings: tuple[Meeting, ...]
    waiting: tuple[tuple[PersonId, ...], ...]  # per round, who sits out (mentors and mentees)
    kept_apart: tuple[tuple[PersonId, PersonId], ...] = field(default=())  # (mentor, mentee) never seated

    def meetings_in(self, round_no: int) -> list[Meeting]:
        return [m for m in self.meetings if m.round == round_no]


def rotate(
    mentors: Sequence[PersonId],
    mentees: Sequence[PersonId],
    *,
    rounds: int | None = None,
    forbidden: Callable[[PersonId, PersonId], bool] = lambda mentor, mentee: False,
) -> Rotation:
    """Rotations for `rounds` rounds (default, and at most: enough for everyone to meet everyone)."""
    mentors, mentees = list(dict.fromkeys(mentors)), list(dict.fromkeys(mentees))
    both = set(mentors) & set(mentees)
    if both:
        raise RotationError(f"{len(both)} people are listed both as a mentor and as a mentee.")
    total = len(mentors) + len(mentees)
    if total == 0:
        raise RotationError("Nobody has said they are going, so there is nobody to seat.")
    if total == 1:
        raise RotationError("Only one person is going: speed rounds need at least one mentor and one mentee.")
    if not mentors:
        raise RotationError(f"All {total} people going are mentees: speed rounds need at least one mentor.")
    if not mentees:
        raise RotationError(f"All {total} people going are mentors: speed rounds need at least one mentee.")
    n = max(len(mentors), len(mentees))
    if rounds is None:
        rounds = n
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise RotationError("Hold at least one round.")
    rounds = min(rounds, n, MAX_ROUNDS)
    tables = {mentor: i + 1 for i, mentor in enumerate(mentors)}
    # Around a circle of n places, mentors' tables and mentees' seats are spread evenly (the
    # smaller group's gaps are free tables or breaks), so any run of rounds passes each person
    # the same number of gaps, give or take one.
    position = [i * n // len(mentors) for i in range(len(mentors))]
    slot_of = {k * n // len(mentees): k for k in range(len(mentees))}
    meetings: list[Meeting] = []
    waiting: list[tuple[PersonId, ...]] = []
    kept_apart: list[tuple[PersonId, PersonId]] = []
    for r in range(n):
        seated: set[PersonId] = set()
        for i, mentor in enumerate(mentors):
            k = slot_of.get((position[i] + r) % n)
            if k is None:
                continue  # a free table this round
            mentee = mentees[k]
            if forbidden(mentor, mentee):
                kept_apart.append((mentor, mentee))
                continue
            if r < rounds:
                meetings.append(Meeting(round=r + 1, table=i + 1, mentor=mentor, mentee=mentee))
                seated.update((mentor, mentee))
        if r < rounds:
            waiting.append(tuple(p for p in (*mentors, *mentees) if p not in seated))
    return Rotation(
        rounds=rounds, tables=tables, meetings=tuple(meetings), waiting=tuple(waiting), kept_apart=tuple(kept_apart)
    )
