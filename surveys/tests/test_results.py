"""Results: distributions, mean and NPS, breakdowns, headline outcomes, fixed query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from profiles.tests.factories import PersonFactory
from programs.tests.factories import CycleFactory
from surveys import services
from surveys.forms import AnswerValue
from surveys.models import Measure, QuestionKind
from surveys.selectors import cycle_outcomes, survey_results
from surveys.tests.conftest import release_all
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _fill(survey, rows, role="mentee"):
    """rows: list of {question: AnswerValue}; one invitation and submission per row."""
    for answers in rows:
        invitation = InvitationFactory(survey=survey, role=role)
        services.response_submit(invitation=invitation, answers={q.pk: a for q, a in answers.items()})
    release_all(survey)


def test_distribution_mean_and_nps(cycle):
    survey = OpenSurveyFactory(cycle=cycle)
    nps = QuestionFactory(survey=survey, kind=QuestionKind.RATING, text="Recommend?")
    agree = QuestionFactory(survey=survey, kind=QuestionKind.LIKERT, text="Grew")
    pick = QuestionFactory(survey=survey, kind=QuestionKind.MULTIPLE, text="Helped", choices=["A", "B"])
    scores = [10, 9, 8, 7, 6, 3]  # 2 promoters, 2 detractors of 6: NPS 0
    _fill(
        survey,
        [{nps: AnswerValue(number=s), agree: AnswerValue(number=5 if s > 7 else 2), pick: AnswerValue(options=["A", "B"] if s > 8 else ["B"])} for s in scores],
    )

    results = survey_results(survey=survey)

    assert (results.invited, results.respondents, results.response_rate) == (6, 6, 100.0)
    by_q = {r.question.pk: r for r in results.questions}
    assert by_q[nps.pk].nps == 0
    assert by_q[nps.pk].mean == round(sum(scores) / 6, 2)
    assert [b.count for b in by_q[nps.pk].buckets] == [0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1]
    assert by_q[agree.pk].positive_percent == 50.0
    assert [(b.label, b.count) for b in by_q[pick.pk].buckets] == [("A", 2), ("B", 6)]
    chart_ids = [c["id"] for c in results.chart_data()]
    assert chart_ids == [f"chart-q{nps.pk}", f"chart-q{agree.pk}", f"chart-q{pick.pk}"]


def test_cycle_outcomes_gives_headline_figures_and_hides_small_groups(db):
    big, small, empty = CycleFactory(), CycleFactory(), CycleFactory()
    for cycle, n in ((big, 10), (small, 3)):
        survey = OpenSurveyFactory(cycle=cycle)
        grew = QuestionFactory(survey=survey, kind=QuestionKind.LIKERT, measure=Measure.HELPED_GROW)
        pairing = QuestionFactory(survey=survey, kind=QuestionKind.RATING, measure=Measure.PAIRING_SATISFACTION)
        _fill(survey, [{grew: AnswerValue(number=5 if i < 9 else 2), pairing: AnswerValue(number=8 if i < 6 else 3)} for i in range(n)])
        InvitationFactory(survey=survey)  # one person who never answered

    outcomes = cycle_outcomes(cycle_ids=[big.pk, small.pk, empty.pk])

    assert outcomes[big.pk].agree_grew_percent == 90.0
    assert outcomes[big.pk].pairing_satisfied_percent == 60.0
    assert (outcomes[big.pk].invited, outcomes[big.pk].respondents, outcomes[big.pk].response_rate) == (11, 10, 90.9)
    assert outcomes[small.pk].agree_grew_percent is None and outcomes[small.pk].grew_respondents == 3
    assert outcomes[empty.pk].response_rate is None and outcomes[empty.pk].respondents == 0


def test_cycle_outcomes_query_count_does_not_grow_with_cycles(django_assert_num_queries):
    cycles = [CycleFactory() for _ in range(4)]
    with django_assert_num_queries(4):
        cycle_outcomes(cycle_ids=[c.pk for c in cycles])


def test_results_page_stays_at_a_fixed_number_of_queries(client, cycle, coordinator, django_assert_max_num_queries):
    survey = OpenSurveyFactory(cycle=cycle, anonymous=False)
    questions = [
        QuestionFactory(survey=survey, kind=QuestionKind.LIKERT),
        QuestionFactory(survey=survey, kind=QuestionKind.RATING),
        QuestionFactory(survey=survey, kind=QuestionKind.SINGLE, choices=["x", "y"]),
        QuestionFactory(survey=survey, kind=QuestionKind.MULTIPLE, choices=["x", "y"]),
        QuestionFactory(survey=survey, kind=QuestionKind.YES_NO),
        QuestionFactory(survey=survey, kind=QuestionKind.TEXT),
    ]
    values = [AnswerValue(number=4), AnswerValue(number=8), AnswerValue(text="x"), AnswerValue(options=["y"]),
              AnswerValue(number=1), AnswerValue(text="fine")]
    client.force_login(coordinator)
    url = reverse("surveys:survey-results", args=[survey.pk])

    _fill(survey, [dict(zip(questions, values, strict=True))] * 3)
    with django_assert_max_num_queries(25) as small:
        assert client.get(url).status_code == 200
    _fill(survey, [dict(zip(questions, values, strict=True))] * 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_named_results_show_who_answered_what(client, cycle, coordinator):
    survey = OpenSurveyFactory(cycle=cycle, anonymous=False)
    text = QuestionFactory(survey=survey, kind=QuestionKind.TEXT, text="Notes")
    person = PersonFactory(first_name="Ada", last_name="Lovelace")
    invitation = InvitationFactory(survey=survey, person=person)
    services.response_submit(invitation=invitation, answers={text.pk: AnswerValue(text="Great pairing")})
    client.force_login(coordinator)
    page = client.get(reverse("surveys:survey-results", args=[survey.pk])).content.decode()
    assert "Ada Lovelace" in page and "Great pairing" in page


def _named_survey_with(cycle, n: int):
    survey = OpenSurveyFactory(cycle=cycle, anonymous=False)
    grew = QuestionFactory(survey=survey, kind=QuestionKind.LIKERT, text="Grew")
    for i in range(n):
        person = PersonFactory(first_name=f"P{i:03d}", last_name="Named" if i else "Zed-Lovelace")
        invitation = InvitationFactory(survey=survey, person=person)
        services.response_submit(invitation=invitation, answers={grew.pk: AnswerValue(number=1 + i % 5)})
    return survey


def test_answers_by_person_come_50_a_page_searchable_at_fixed_queries(client, cycle, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    small = _named_survey_with(cycle, 5)
    url = reverse("surveys:survey-results", args=[small.pk])
    with django_assert_max_num_queries(60) as few:
        assert client.get(url).status_code == 200
    big = _named_survey_with(cycle, 120)
    big_url = reverse("surveys:survey-results", args=[big.pk])
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = client.get(big_url)
    assert len(first.context["named"]) == 50 and first.context["listing"].total == 120
    assert "Showing 1–50 of 120 responses" in first.content.decode()
    last = client.get(big_url, {"page": "3"})
    assert len(last.context["named"]) == 20
    found = client.get(big_url, {"q": "zed-love"})
    assert [row.name for row in found.context["named"]] == ["P000 Zed-Lovelace"]
    # Nonsense parameters fall back instead of failing.
    odd = client.get(big_url, {"page": "-4", "sort": "pk; DROP TABLE x", "q": "\x0b"})
    assert odd.status_code == 200 and odd.context["named"]  # a page out of range shows the last one


def test_an_anonymous_survey_has_no_answers_by_person(client, cycle, coordinator):
    survey = OpenSurveyFactory(cycle=cycle, anonymous=True)
    client.force_login(coordinator)
    page = client.get(reverse("surveys:survey-results", args=[survey.pk]))
    assert "named" not in page.context and "Answers by person" not in page.content.decode()
