"""The matching audit of a run as CSV and XLSX, from the same rows (common.exports writes both)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from common.exports import Export
from matching.selectors.audit import RunAudit

HIDDEN = "hidden"


def _percent(share: float | None) -> Any:
    return "" if share is None else round(100 * share, 1)


class RunAuditExport(Export):
    """One row per figure of the audit page; hidden groups keep their label but no figures."""

    title = "Matching audit"
    columns: ClassVar[Sequence[str]] = ("Section", "Group", "People", "Matched", "Matched (%)", "Note")

    def __init__(self, audit: RunAudit) -> None:
        self.audit = audit

    def filename(self, extension: str) -> str:
        return f"matching-audit-run-{self.audit.run.pk}.{extension}"

    def rows(self, **_: Any) -> Iterator[Sequence[Any]]:
        a = self.audit
        yield ("All mentees", "All", a.mentees, a.matched, _percent(a.share), "")
        for breakdown in a.breakdowns:
            for row in breakdown.rows:
                if row.hidden:
                    note = "fewer than 5 people" if row.small else "hidden so a smaller group cannot be worked out"
                    yield (breakdown.title, row.label, HIDDEN, HIDDEN, HIDDEN, note)
                else:
                    yield (breakdown.title, row.label, row.mentees, row.matched, _percent(row.share), "")
        if a.choice is not None:
            c = a.choice
            if c.hidden:
                yield ("Mentee choice", "Mentees who ranked mentors", HIDDEN, HIDDEN, HIDDEN, "fewer than 5 people")
            else:
                yield ("Mentee choice", "Got their first choice", c.chose, c.first, _percent(c.share(c.first)), "")
                yield ("Mentee choice", "Got a top-three choice", c.chose, c.top_three, _percent(c.share(c.top_three)), "")
        for reason, n in a.idle_reasons:
            yield ("Idle mentors", reason, n, "", "", f"of {a.mentors} approved mentors")
        for idle in a.idle:
            yield ("Idle mentor", idle.mentor.full_name, "", "", "", idle.reason)
        yield ("Pairs with no skill match", "All", len(a.no_skill), "", "", "the mentor teaches none of the mentee's goals")
        for p in a.no_skill:
            yield ("Pair with no skill match", f"{p.mentor.full_name} → {p.mentee.full_name}", "", "", "", f"{p.score:.1f} points")
