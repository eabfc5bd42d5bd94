"""How coarse the breakdown attributes of an anonymous response must be.

A response keeps a role and a department only if every combination a response can carry
matches at least MIN_GROUP_SIZE people invited to the survey; otherwise a small department is
merged into "other departments" (stored as no department), and if that is not enough the role
or the department is dropped. Without this, "mentor in Legal" can be one person: role and
department each pass a count of five while their combination does not.

Plain functions over (person, role, department) rows, so the rule is tested without a database
and the migration that coarsens older responses uses the same code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from common.visibility import MIN_GROUP_SIZE

Invitee = tuple[int, str, int | None]  # person id, role ("" if none), department id or None


@dataclass(frozen=True)
class Scheme:
    """What a response of this survey may keep: the role or not, and which departments."""

    keep_role: bool
    departments: frozenset[int]

    def apply(self, role: str, department_id: int | None) -> tuple[str, int | None]:
        return (role if self.keep_role else "", department_id if department_id in self.departments else None)


def _people(invitees: Iterable[Invitee], keep_role: bool) -> dict[tuple[str, int | None], set[int]]:
    cells: dict[tuple[str, int | None], set[int]] = defaultdict(set)
    for person_id, role, department_id in invitees:
        cells[(role if keep_role else "", department_id)].add(person_id)
    return cells


def _fit(cells: dict[tuple[str, int | None], set[int]]) -> frozenset[int] | None:
    """Departments that can stay with every (role, department) and (role, other) cell >= 5, or None."""
    roles = {role for role, _ in cells}

    def cell_ok(role: str, d: int) -> bool:
        people = cells.get((role, d))
        return not people or len(people) >= MIN_GROUP_SIZE

    kept = {d for _, d in cells if d is not None and all(cell_ok(r, d) for r in roles)}

    def other(role: str) -> int:
        return len(set().union(*(people for (r, d), people in cells.items() if r == role and d not in kept)))

    def department_size(d: int) -> int:
        return sum(len(people) for (_, dep), people in cells.items() if dep == d)

    while True:
        short = [r for r in roles if 0 < other(r) < MIN_GROUP_SIZE]
        if not short:
            return frozenset(kept)
        if not kept:
            return None
        # Merge the smallest remaining department into "other" and try again.
        kept.discard(min(kept, key=lambda d: (department_size(d), d)))


def scheme_for(invitees: Iterable[Invitee]) -> Scheme:
    """The finest scheme that keeps every stored combination at five or more invitees.

    Preference: role and department; department alone; role alone; neither.
    """
    invitees = list(invitees)
    # None: even with every department merged, some role has fewer than five people.
    with_role = _fit(_people(invitees, keep_role=True))
    if with_role:
        return Scheme(keep_role=True, departments=with_role)
    departments = _fit(_people(invitees, keep_role=False))
    if departments:
        return Scheme(keep_role=False, departments=departments)
    if with_role is not None:  # every department merged, and each role alone has five or more
        return Scheme(keep_role=True, departments=frozenset())
    return Scheme(keep_role=False, departments=frozenset())
