"""The one place the reports read survey results, through the surveys app's own selector.

Until surveys exposes `surveys.selectors.cycle_outcomes(*, cycle_ids)`, every page shows
"no survey data yet" instead of failing; nothing else in reports imports surveys.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SurveyHeadline:
    label: str
    value: str
    detail: str = ""


def survey_headlines(*, cycle_ids: Iterable[int]) -> list[SurveyHeadline] | None:
    """Headline survey figures for these cycles, or None when there is no survey data (yet)."""
    cycle_ids = list(cycle_ids)
    if not cycle_ids:
        return None
    try:
        from surveys.selectors import cycle_outcomes
    except ImportError:
        return None
    outcomes = cycle_outcomes(cycle_ids=cycle_ids)
    if not outcomes:
        return None
    return _headlines(outcomes)


def _get(source: Any, name: str) -> Any:
    return source.get(name) if isinstance(source, dict) else getattr(source, name, None)


def _pct(value: Any) -> str:
    if value is None:
        return "no answers yet"
    return f"{round(value * 100) if isinstance(value, float) and value <= 1 else value}%"


def _headlines(outcomes: Any) -> list[SurveyHeadline] | None:
    found = [
        ("Said the program helped them grow", _get(outcomes, "helped_grow_pct")),
        ("Pairing satisfaction", _get(outcomes, "pairing_satisfaction")),
        ("Response rate", _get(outcomes, "response_rate_pct")),
    ]
    headlines = [SurveyHeadline(label, _pct(value)) for label, value in found if value is not None]
    return headlines or None
