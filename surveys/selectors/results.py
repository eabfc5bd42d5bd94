"""Results of one survey, in a fixed number of queries whatever the number of answers.

For anonymous surveys every figure goes through common.visibility: the whole result when fewer
than five responses were released, any question fewer people answered, any breakdown group or
cell under five, and (complementary suppression) the smallest visible groups too when the hidden
ones together are under five, so that no hidden group is "total minus the others". Answers still
waiting in the pending pool are counted (`waiting`) but in no figure until released.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from common import visibility
from surveys.models import (
    LIKERT_LABELS,
    Answer,
    Invitation,
    PendingSubmission,
    Question,
    QuestionKind,
    Response,
    Survey,
)

FREE_TEXT_LIMIT = 500
ROLE_LABELS = {"mentor": "Mentors", "mentee": "Mentees", "attendee": "Attendees", "": "Role not recorded"}


@dataclass
class Bucket:
    label: str
    count: int
    percent: float


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    hidden: bool = False
    buckets: list[Bucket] = field(default_factory=list)
    mean: float | None = None
    nps: int | None = None
    positive_percent: float | None = None
    texts: list[tuple[str, str]] = field(default_factory=list)  # (name or "", text)
    texts_total: int = 0

    @property
    def has_chart(self) -> bool:
        return bool(self.buckets) and not self.hidden


@dataclass
class Group:
    label: str
    respondents: int
    means: list[float | None]  # one per numeric question, in question order


@dataclass
class Breakdown:
    title: str
    groups: list[Group]
    hidden_groups: int


@dataclass
class NamedResponse:
    name: str
    role: str
    pair: str
    submitted_on: Any
    answers: list[str]


@dataclass
class SurveyResults:
    survey: Survey
    invited: int
    respondents: int
    hidden: bool
    questions: list[QuestionResult]
    numeric_questions: list[Question]
    breakdowns: list[Breakdown]
    waiting: int = 0  # anonymous answers in the pending pool, not yet in any figure

    @property
    def responded(self) -> int:
        """Everyone who submitted: released responses and answers waiting in the pool."""
        return self.respondents + self.waiting

    @property
    def response_rate(self) -> float | None:
        return round(100 * self.responded / self.invited, 1) if self.invited else None

    def chart_data(self) -> list[dict[str, Any]]:
        """What static/js/survey_results.js draws; the page's tables hold the same numbers."""
        return [
            {
                "id": f"chart-q{r.question.pk}",
                "title": r.question.text,
                "labels": [b.label for b in r.buckets],
                "counts": [b.count for b in r.buckets],
            }
            for r in self.questions
            if r.has_chart
        ]


def survey_results(*, survey: Survey) -> SurveyResults:
    anonymous = survey.anonymous
    invited = Invitation.objects.filter(survey=survey).count()
    respondents = Response.objects.filter(survey=survey).count()
    waiting = PendingSubmission.objects.filter(survey=survey).count() if anonymous else 0
    questions = list(Question.objects.filter(survey=survey).order_by("position", "pk"))
    numeric = [q for q in questions if q.kind in (QuestionKind.LIKERT, QuestionKind.RATING, QuestionKind.YES_NO)]
    hidden = anonymous and not visibility.can_show_total(respondents)
    results = SurveyResults(
        survey, invited, respondents, hidden, [QuestionResult(q) for q in questions], numeric, [], waiting
    )
    if hidden or not questions:
        return results
    by_id = {r.question.pk: r for r in results.questions}
    # A survey's questions are its own, so filtering by question needs no join with responses.
    answers = Answer.objects.filter(question_id__in=list(by_id))

    def of_kind(kind: str) -> list[int]:
        return [q.pk for q in questions if q.kind == kind]

    numbers: dict[int, Counter[int]] = defaultdict(Counter)
    for qid, number, n in answers.filter(number__isnull=False).values_list("question_id", "number").annotate(n=Count("pk")):
        numbers[qid][number] = n
    singles: dict[int, Counter[str]] = defaultdict(Counter)
    single_rows = Answer.objects.filter(question_id__in=of_kind(QuestionKind.SINGLE)).exclude(text="")
    for qid, text, n in single_rows.values_list("question_id", "text").annotate(n=Count("pk")):
        singles[qid][text] = n
    multiples: dict[int, Counter[str]] = defaultdict(Counter)
    multiple_answered: Counter[int] = Counter()
    multiple_rows = Answer.objects.filter(question_id__in=of_kind(QuestionKind.MULTIPLE))
    for qid, options in multiple_rows.values_list("question_id", "options").iterator(chunk_size=5000):
        if options:
            multiple_answered[qid] += 1
            multiples[qid].update(options)

    for result in results.questions:
        q = result.question
        if q.kind == QuestionKind.LIKERT:
            _numeric(result, numbers[q.pk], [(n, f"{n} – {label}") for n, label in LIKERT_LABELS.items()])
        elif q.kind == QuestionKind.RATING:
            _numeric(result, numbers[q.pk], [(n, str(n)) for n in range(11)])
            if result.answered:
                promoters = sum(c for n, c in numbers[q.pk].items() if n >= 9)
                detractors = sum(c for n, c in numbers[q.pk].items() if n <= 6)
                result.nps = round(100 * (promoters - detractors) / result.answered)
        elif q.kind == QuestionKind.YES_NO:
            _numeric(result, numbers[q.pk], [(1, "Yes"), (0, "No")])
            result.mean = None
        elif q.kind == QuestionKind.SINGLE:
            _choices(result, singles[q.pk], sum(singles[q.pk].values()))
        elif q.kind == QuestionKind.MULTIPLE:
            _choices(result, multiples[q.pk], multiple_answered[q.pk])
        if anonymous and q.kind != QuestionKind.TEXT and not visibility.can_show(result.answered):
            result.hidden, result.buckets, result.mean, result.nps, result.positive_percent = True, [], None, None, None

    _free_text(results, by_id, answers, anonymous)
    shown_overall = {r.question.pk for r in results.questions if not r.hidden}
    results.breakdowns = [
        _breakdown(survey, numeric, shown_overall, anonymous, "By role", "role", None, ROLE_LABELS),
        _breakdown(survey, numeric, shown_overall, anonymous, "By department", "department_id", "department__name", {}),
    ]
    return results


def _numeric(result: QuestionResult, counts: Counter[int], scale: list[tuple[int, str]]) -> None:
    total = sum(counts.values())
    result.answered = total
    result.buckets = [Bucket(label, counts.get(n, 0), _pct(counts.get(n, 0), total)) for n, label in scale]
    if total:
        result.mean = round(sum(n * c for n, c in counts.items()) / total, 2)
        result.positive_percent = _pct(sum(c for n, c in counts.items() if result.question.is_positive(n)), total)


def _choices(result: QuestionResult, counts: Counter[str], answered: int) -> None:
    result.answered = answered
    options = list(result.question.choices) + sorted(set(counts) - set(result.question.choices))
    # Percent of the people who answered (multiple choice can sum past 100).
    result.buckets = [Bucket(option, counts.get(option, 0), _pct(counts.get(option, 0), answered)) for option in options]


def _free_text(results: SurveyResults, by_id: dict[int, QuestionResult], answers: Any, anonymous: bool) -> None:
    text_ids = [r.question.pk for r in results.questions if r.question.kind == QuestionKind.TEXT]
    if not text_ids:
        return
    rows = Answer.objects.filter(question_id__in=text_ids).exclude(text="")
    totals = dict(rows.values_list("question_id").annotate(n=Count("pk")).values_list("question_id", "n"))
    for qid in text_ids:
        result = by_id[qid]
        result.answered = result.texts_total = totals.get(qid, 0)
        if anonymous and not visibility.can_show(result.texts_total):
            result.hidden = True
    shown = [qid for qid in text_ids if totals.get(qid) and not by_id[qid].hidden]
    if not shown:
        return
    if anonymous:
        # Alphabetical, never in the order given: the order of submission could point to a person.
        order = [F("text").asc()]
        fields = ("question_id", "text")
    else:
        order = [F("response__person__last_name").asc(), F("response__person__first_name").asc()]
        fields = ("question_id", "text", "response__person__first_name", "response__person__last_name")
    limited = (
        Answer.objects.filter(question_id__in=shown)
        .exclude(text="")
        .annotate(rank=Window(RowNumber(), partition_by=[F("question_id")], order_by=order))
        .filter(rank__lte=FREE_TEXT_LIMIT)
        .order_by("question_id", "rank")
        .values_list(*fields)
    )
    for row in limited:
        qid, text = row[0], row[1]
        name = f"{row[2]} {row[3]}".strip() if len(row) > 2 else ""
        by_id[qid].texts.append((name, text))


def _breakdown(
    survey: Survey,
    numeric: list[Question],
    shown_overall: set[int],
    anonymous: bool,
    title: str,
    key: str,
    label_field: str | None,
    labels: dict[str, str],
) -> Breakdown:
    """Respondents and mean answers per group (role, or department id with its name).

    Anonymous: groups and cells pass through common.visibility. The survey's respondent total is
    on the page, so group sizes are complemented; each question's overall mean is on the page
    (when shown), so that question's column of means is complemented too.
    """
    fields = [key, label_field] if label_field else [key]
    sizes = {
        row[0]: (row[-1], row[1] if label_field else None)
        for row in Response.objects.filter(survey=survey).values_list(*fields).annotate(n=Count("pk")).order_by()
    }
    means: dict[tuple[Any, int], float] = {}
    answered: dict[tuple[Any, int], int] = {}
    if numeric:
        rows = (
            Answer.objects.filter(question__in=numeric, number__isnull=False)
            .values(key_value=F(f"response__{key}"), qid=F("question_id"))
            .annotate(mean=Avg("number"), n=Count("pk"))
            .order_by()
        )
        for row in rows:
            means[(row["key_value"], row["qid"])] = row["mean"]
            answered[(row["key_value"], row["qid"])] = row["n"]
    shown_groups = set(sizes)
    shown_cells = {q.pk: set(sizes) for q in numeric}
    if anonymous:
        shown_groups = visibility.visible_groups({value: size for value, (size, _) in sizes.items()})
        for q in numeric:
            column = {value: answered.get((value, q.pk), 0) for value in sizes}
            shown_cells[q.pk] = visibility.visible_cells(
                column, groups_shown=shown_groups, total_shown=q.pk in shown_overall
            )
    groups = []
    for value, (size, name) in sorted(sizes.items(), key=lambda kv: (not kv[0], str(kv[1][1] or kv[0]))):
        if value not in shown_groups:
            continue
        label = name if label_field else labels.get(value or "", value)
        row = [means.get((value, q.pk)) if value in shown_cells[q.pk] else None for q in numeric]
        groups.append(Group(label or "Not recorded", size, [round(m, 2) if m is not None else None for m in row]))
    return Breakdown(title, groups, len(sizes) - len(groups))


def named_responses(survey: Survey) -> QuerySet[Response]:
    """The named survey's responses, ready for `named_rows` (the results page pages through them)."""
    return (
        Response.objects.filter(survey=survey)
        .select_related("person", "mentorship__mentor", "mentorship__mentee")
        .prefetch_related("answers")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def named_rows(responses: Iterable[Response], questions: list[Question]) -> list[NamedResponse]:
    """One row per response: who, their role and pair, and each question's answer as shown."""
    named = []
    for response in responses:
        by_question = {a.question_id: a for a in response.answers.all()}
        pair = ""
        if response.mentorship is not None:
            pair = f"{response.mentorship.mentor} → {response.mentorship.mentee}"
        named.append(
            NamedResponse(
                name=response.person.full_name if response.person else "(person removed)",
                role=response.role,
                pair=pair,
                submitted_on=response.submitted_on,
                answers=[answer_display(q, by_question.get(q.pk)) for q in questions],
            )
        )
    return named


def answer_display(question: Question, answer: Answer | None) -> str:
    if answer is None:
        return ""
    if question.kind == QuestionKind.LIKERT and answer.number is not None:
        return f"{answer.number} – {LIKERT_LABELS.get(answer.number, '')}"
    if question.kind == QuestionKind.YES_NO and answer.number is not None:
        return "Yes" if answer.number == 1 else "No"
    if question.kind == QuestionKind.MULTIPLE:
        return "; ".join(answer.options)
    if answer.number is not None:
        return str(answer.number)
    return answer.text


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
