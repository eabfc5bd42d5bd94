"""The circles of a cycle as CSV and XLSX, from the same rows (common.exports writes both and
neutralises formula-like cells): figures and health only, never notes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from circles.selectors import CircleFigures
from common.exports import Export


class CyclesCirclesExport(Export):
    title = "Mentoring circles"
    columns: ClassVar[Sequence[str]] = (
        "Circle",
        "Skills",
        "Mentors",
        "Mentees",
        "Fewest",
        "Most",
        "Sessions held",
        "Sessions booked",
        "Attendance (%)",
        "Health",
        "Ended on",
    )

    def __init__(self, cycle: Any, figures: list[CircleFigures]) -> None:
        self.cycle, self.figures = cycle, figures

    def filename(self, extension: str) -> str:
        return f"circles-cycle-{self.cycle.pk}.{extension}"

    def rows(self, **_: Any) -> Iterator[Sequence[Any]]:
        for f in self.figures:
            c = f.circle
            yield (
                c.topic,
                ", ".join(s.name for s in c.skills.all()),
                ", ".join(p.full_name for p in f.mentors),
                f.mentees,
                c.min_size,
                c.max_size,
                f.sessions_held,
                f.sessions_ahead,
                "" if f.attendance_rate is None else round(100 * f.attendance_rate, 1),
                "ended" if c.ended_on else ("at risk: " + "; ".join(f.reasons) if f.at_risk else "on track"),
                c.ended_on.isoformat() if c.ended_on else "",
            )
