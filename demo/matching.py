"""The running cycle's pairs come from a real, published match run of the matching engine.

So the coordinator's matching pages show the run that produced today's pairs, with each pair's
score and explanation. The run goes through matching.services.runs (run_start, run_execute);
publishing is recorded on the run but the pairs are bulk-inserted by demo.programs, because
run_publish creates pairs one by one and mails both people about each.
"""

from __future__ import annotations

from datetime import timedelta

from matching.models import MatchProposal, MatchRun
from matching.services.runs import run_execute, run_start
from programs.models import Cycle

from .people import Employee, Roster
from .timeline import at


def engine_pairs(
    *, roster: Roster, cycle: Cycle, coordinator, fixed: list[tuple[Employee, Employee]]
) -> tuple[list[tuple[Employee, Employee]] | None, str]:
    """(mentee, mentor) pairs proposed by the engine over the cycle's approved applications.

    `fixed` pairs are locked into the run. Returns None (and says why) when the run failed, so
    the caller can fall back to its own pairing rather than leave the demo without pairs.
    """
    # The department's coordinator chose to match everyone in this cycle: many of its mentees'
    # goals are in skills no approved mentor teaches, and the program promised each a mentor.
    # (By default such pairs are never proposed; this is the cycle's explicit choice.)
    if not cycle.match_everyone:
        cycle.match_everyone = True
        cycle.save(update_fields=["match_everyone"])
    run = run_start(cycle=cycle, by=coordinator)
    run.inputs = {
        "locks": [[mentor.person.pk, mentee.person.pk] for mentee, mentor in fixed],
        "bans": [],
    }
    run.save(update_fields=["inputs"])
    run = run_execute(run_id=run.pk)
    if run.status != MatchRun.Status.DONE:
        return None, f"engine run failed ({run.message[:80]}); greedy pairs used"
    by_person = {e.person.pk: e for e in roster.employees}
    proposals = run.proposals.exclude(status=MatchProposal.Status.REJECTED).order_by("mentee_id")
    pairs = [(by_person[p.mentee_id], by_person[p.mentor_id]) for p in proposals]
    # The run happened on the cycle's matching day, and was published then.

    published = at(cycle.matching_on, 15)
    MatchRun.objects.filter(pk=run.pk).update(
        created_at=published - timedelta(hours=5),
        started_at=published - timedelta(hours=5),
        finished_at=published - timedelta(hours=5) + timedelta(seconds=run.seconds or 1),
        published_at=published,
        published_by=coordinator,
    )
    return pairs, f"engine run {run.pk}: {len(pairs)} of {run.mentee_count} mentees matched"
