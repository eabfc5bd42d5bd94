"""Coordinator bans as programs.rules reads them (registered in matching.apps)."""

from __future__ import annotations

from matching.models import MatchBan
from programs.models import Cycle


def bans_among(cycle: Cycle, mentor_ids: set[int], mentee_ids: set[int]) -> set[tuple[int, int]]:
    """The (mentor, mentee) bans of `cycle` among these people. One query."""
    return set(
        MatchBan.objects.filter(cycle=cycle, mentor_id__in=mentor_ids, mentee_id__in=mentee_ids).values_list(
            "mentor_id", "mentee_id"
        )
    )
