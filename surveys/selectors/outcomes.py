"""Headline outcome figures per cycle, for the coordinator dashboard and HR reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from common import visibility
from surveys.models import Answer, Invitation, Measure, PendingSubmission, QuestionKind, Response

_POSITIVE = (
    Q(question__kind=QuestionKind.LIKERT, number__gte=4)
    | Q(question__kind=QuestionKind.RATING, number__gte=7)
    | Q(question__kind=QuestionKind.YES_NO, number=1)
)


@dataclass(frozen=True)
class Outcomes:
    cycle_id: int
    invited: int
    respondents: int
    response_rate: float | None
    grew_respondents: int
    agree_grew_percent: float | None
    pairing_respondents: int
    pairing_satisfied_percent: float | None


def cycle_outcomes(*, cycle_ids: Iterable[int]) -> dict[int, Outcomes]:
    """Headline survey figures for each cycle, in four queries whatever the number of cycles.

    Contract (relied on by reports/ and the coordinator dashboard):
    - Every id asked for is a key of the result, with zeros and Nones when it has no surveys.
    - `invited` / `respondents`: invitations and submissions summed over all the cycle's surveys
      (a person asked twice counts twice; anonymous responses cannot be de-duplicated, by
      design). Anonymous answers still waiting in the pending pool count as respondents; they
      enter the percentages once released. `response_rate` = 100 * respondents / invited, one
      decimal, None when nobody was invited.
    - `agree_grew_percent`: share of answers to questions measuring "the program helped me grow"
      (Measure.HELPED_GROW) that are positive: Likert 4–5, rating 7–10, or yes.
      `grew_respondents` is how many answered such a question.
    - `pairing_satisfied_percent`: the same over Measure.PAIRING_SATISFACTION questions.
    - A percentage is None unless common.visibility.can_show_total allows it (five answers or
      more behind it), so the figure can be shown anywhere without exposing a small group.
    Percentages are floats 0–100 rounded to one decimal.
    """
    ids = sorted({int(i) for i in cycle_ids})
    if not ids:
        return {}
    invited = dict(
        Invitation.objects.filter(survey__cycle_id__in=ids)
        .values_list("survey__cycle_id")
        .annotate(n=Count("pk"))
        .values_list("survey__cycle_id", "n")
    )
    responded = dict(
        Response.objects.filter(survey__cycle_id__in=ids)
        .values_list("survey__cycle_id")
        .annotate(n=Count("pk"))
        .values_list("survey__cycle_id", "n")
    )
    waiting = dict(
        PendingSubmission.objects.filter(survey__cycle_id__in=ids)
        .values_list("survey__cycle_id")
        .annotate(n=Count("pk"))
        .values_list("survey__cycle_id", "n")
    )
    measured = (
        Answer.objects.filter(
            response__survey__cycle_id__in=ids,
            question__measure__in=[Measure.HELPED_GROW, Measure.PAIRING_SATISFACTION],
            number__isnull=False,
        )
        .values_list("response__survey__cycle_id", "question__measure")
        .annotate(total=Count("pk"), positive=Count("pk", filter=_POSITIVE))
    )
    figures: dict[tuple[int, str], tuple[int, int]] = {
        (cycle_id, measure): (total, positive) for cycle_id, measure, total, positive in measured
    }
    result = {}
    for cycle_id in ids:
        inv, resp = invited.get(cycle_id, 0), responded.get(cycle_id, 0) + waiting.get(cycle_id, 0)
        grew_total, grew_positive = figures.get((cycle_id, Measure.HELPED_GROW), (0, 0))
        pair_total, pair_positive = figures.get((cycle_id, Measure.PAIRING_SATISFACTION), (0, 0))
        result[cycle_id] = Outcomes(
            cycle_id=cycle_id,
            invited=inv,
            respondents=resp,
            response_rate=round(100 * resp / inv, 1) if inv else None,
            grew_respondents=grew_total,
            agree_grew_percent=_share(grew_positive, grew_total),
            pairing_respondents=pair_total,
            pairing_satisfied_percent=_share(pair_positive, pair_total),
        )
    return result


def _share(part: int, whole: int) -> float | None:
    if not visibility.can_show_total(whole):
        return None
    return round(100 * part / whole, 1)
