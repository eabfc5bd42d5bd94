"""The one visibility policy for figures about people who answered anonymously.

Every page, export, dashboard and report that shows a count, share or mean drawn from anonymous
answers decides what it may show here, so the rule cannot drift between them:

* a figure needs at least MIN_GROUP_SIZE people behind it (primary suppression);
* when groups of a breakdown are hidden but the total is shown, the hidden groups together must
  also hold at least MIN_GROUP_SIZE people, or "total minus the visible groups" would give a
  hidden group's figure exactly. The smallest visible groups are hidden as well until that holds
  (complementary suppression, as statistical agencies do for published tables).

This module knows nothing about surveys or reports: it takes group sizes and answers which keys
may be shown. Callers pass the same sizes they would display.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

MIN_GROUP_SIZE = 5

K = TypeVar("K", bound=Hashable)


def can_show(size: int) -> bool:
    """A figure resting on `size` people may be shown."""
    return size >= MIN_GROUP_SIZE


def can_show_total(total: int) -> bool:
    """The whole (a survey's result, a headline figure) may be shown: same threshold as a group."""
    return can_show(total)


def visible_groups(sizes: Mapping[K, int], *, total_shown: bool = True) -> set[K]:
    """The keys of `sizes` whose figures may be shown.

    `sizes` maps each group of one breakdown (including a "not recorded" group) to the number of
    people behind its figure; empty groups may be left out. `total_shown` says whether the figure
    over all groups is published next to them (a survey-wide mean, a total row): only then can a
    hidden group be recovered by subtraction, so only then is complementary suppression needed.
    """
    sizes = {key: n for key, n in sizes.items() if n > 0}
    visible = {key for key, n in sizes.items() if can_show(n)}
    hidden = set(sizes) - visible
    if not hidden or not total_shown:
        return visible
    # Hide the smallest visible groups until the hidden ones together are a group of five or more:
    # then subtraction yields only their pooled figure, itself over five people.
    order = sorted(visible, key=lambda key: (sizes[key], str(key)))
    while order and sum(sizes[key] for key in hidden) < MIN_GROUP_SIZE:
        key = order.pop(0)
        visible.discard(key)
        hidden.add(key)
    return visible


def visible_cells(
    sizes: Mapping[K, int], *, groups_shown: set[K], total_shown: bool
) -> set[K]:
    """Cells of one column (one question's mean per group) that may be shown.

    A cell needs its own group to be visible and enough people behind the cell itself; hidden
    cells of the column are complemented in the same way as groups, because the column's total
    (the question's overall figure) may be shown beside it.
    """
    every = {key: sizes.get(key, 0) for key in set(sizes) | set(groups_shown)}
    # A group hidden from the table is hidden in every column; count its people as hidden here.
    return visible_groups(every, total_shown=total_shown) & groups_shown
