"""Before publishing: the run's new pairs judged by programs.rules as the data stands now, all at once.

Publishing checks each pair again inside its transaction (mentorship_create); this read lets the
confirmation page say beforehand which pairs would be refused, in a fixed number of queries
(one pair_facts load for every person of the run) rather than a dozen queries a pair.
"""

from __future__ import annotations

from collections import Counter

from matching.models import MatchProposal, MatchRun
from programs import rules
from programs.models import Mentorship
from programs.selectors.pair_facts import pair_facts


def publish_problems(run: MatchRun, proposals: list[MatchProposal]) -> list[str]:
    """One line per new pair that publishing would refuse now, with every reason."""
    existing = {p.mentorship_id for p in proposals if p.mentorship_id}
    standing = set(
        Mentorship.objects.filter(pk__in=existing or [0], status=Mentorship.Status.ACTIVE).values_list("pk", flat=True)
    )
    new = [p for p in proposals if p.status != MatchProposal.Status.REJECTED and p.mentorship_id not in standing]
    if not new:
        return []
    facts = pair_facts(cycle=run.cycle, mentors={p.mentor for p in new}, mentees={p.mentee for p in new})
    # Several new pairs of one mentor share their free places: count them together.
    wanted = Counter(p.mentor_id for p in new)
    lines = []
    for p in new:
        texts = [r.text for r in rules.pair_refusals(facts, p.mentor_id, p.mentee_id, skip=frozenset({rules.CAPACITY}))]
        places, taken = facts.places.get(p.mentor_id, 0), facts.taken.get(p.mentor_id, 0)
        if not rules.has_room(places, taken + wanted[p.mentor_id] - 1):
            texts.append(
                f"{p.mentor} has {taken} active mentee(s) and {wanted[p.mentor_id]} new pair(s) here; "
                f"their capacity this cycle is {places}."
            )
        if texts:
            lines.append(f"{p.mentor} → {p.mentee}: {' '.join(texts)}")
    return lines
