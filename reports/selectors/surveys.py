"""The one place the reports read survey results: `surveys.selectors.cycle_outcomes(*, cycle_ids)`.

That selector returns, per cycle, invitations, responses and the share of positive answers to
the "helped me grow" and "pairing satisfaction" questions (None behind fewer than 5 answers).
Here several cycles are combined into headline figures, through the one visibility policy
(common.visibility). When nobody was invited, the pages say "No survey data yet".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from common import visibility
from surveys.selectors import cycle_outcomes


@dataclass(frozen=True)
class SurveyHeadline:
    label: str
    value: str
    detail: str = ""


def survey_headlines(*, cycle_ids: Iterable[int]) -> list[SurveyHeadline] | None:
    """Headline survey figures over these cycles, or None when there is no survey data (yet)."""
    cycle_ids = list(cycle_ids)
    if not cycle_ids:
        return None
    outcomes = list(cycle_outcomes(cycle_ids=cycle_ids).values())
    invited = sum(o.invited for o in outcomes)
    if not invited:
        return None
    respondents = sum(o.respondents for o in outcomes)
    return [
        _share("Said the program helped them grow", outcomes, "agree_grew_percent", "grew_respondents"),
        _share("Satisfied with their pairing", outcomes, "pairing_satisfied_percent", "pairing_respondents"),
        SurveyHeadline(
            "Response rate", f"{_fmt(100 * respondents / invited)}%", f"{respondents} responses to {invited} invitations"
        ),
    ]


def _fmt(value: float) -> str:
    return f"{round(value, 1):g}"


def _share(label: str, outcomes: list[Any], percent_attr: str, count_attr: str) -> SurveyHeadline:
    # Cycles whose figure the surveys app withholds (fewer than 5 answers) stay withheld here:
    # the combined share is over the cycles with a published figure only.
    # Each published cycle already rests on five answers or more, so their sum does too; the
    # check stays so the rule is applied here by the policy, not assumed.
    published = [(getattr(o, percent_attr), getattr(o, count_attr)) for o in outcomes if getattr(o, percent_attr) is not None]
    answers = sum(n for _, n in published)
    if not visibility.can_show_total(answers):
        return SurveyHeadline(label, "not enough answers", f"shown from {visibility.MIN_GROUP_SIZE} answers up")
    positive = sum(round(pct * n / 100) for pct, n in published)
    withheld = sum(getattr(o, count_attr) for o in outcomes if getattr(o, percent_attr) is None)
    detail = f"{positive} of {answers} answers"
    if withheld:
        detail += f"; {withheld} more in cycles with fewer than {visibility.MIN_GROUP_SIZE} answers are not counted"
    return SurveyHeadline(label, f"{_fmt(100 * positive / answers)}%", detail)
