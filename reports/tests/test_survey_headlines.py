"""Survey headlines come from surveys' own selector, combined over cycles without exposing small groups."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.models import Program
from programs.tests.factories import CycleFactory
from reports.selectors.outcomes import program_outcomes
from reports.selectors.scope import ReportFilters
from reports.selectors.surveys import SurveyHeadline, survey_headlines
from surveys import services
from surveys.forms import AnswerValue
from surveys.models import Measure, QuestionKind
from surveys.tests.conftest import release_all
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def answered(cycle, n: int, *, grew_yes: int, pairing_yes: int, silent: int = 1) -> None:
    survey = OpenSurveyFactory(cycle=cycle)
    grew = QuestionFactory(survey=survey, kind=QuestionKind.LIKERT, measure=Measure.HELPED_GROW)
    pairing = QuestionFactory(survey=survey, kind=QuestionKind.RATING, measure=Measure.PAIRING_SATISFACTION)
    for i in range(n):
        invitation = InvitationFactory(survey=survey, role="mentee")
        services.response_submit(
            invitation=invitation,
            answers={
                grew.pk: AnswerValue(number=5 if i < grew_yes else 2),
                pairing.pk: AnswerValue(number=8 if i < pairing_yes else 3),
            },
        )
    release_all(survey)  # anonymous answers reach the figures once released from the pool
    for _ in range(silent):
        InvitationFactory(survey=survey)


@pytest.fixture
def two_cycles(coordinator):
    big = CycleFactory()
    big.program.coordinators.add(coordinator)
    small = CycleFactory(program=big.program)
    answered(big, 10, grew_yes=9, pairing_yes=6)
    answered(small, 3, grew_yes=3, pairing_yes=0)
    return big, small


def test_one_cycle_headlines(two_cycles):
    big, _ = two_cycles
    assert survey_headlines(cycle_ids=[big.pk]) == [
        SurveyHeadline("Said the program helped them grow", "90%", "9 of 10 answers"),
        SurveyHeadline("Satisfied with their pairing", "60%", "6 of 10 answers"),
        SurveyHeadline("Response rate", "90.9%", "10 responses to 11 invitations"),
    ]


def test_small_cycles_stay_withheld_when_combined(two_cycles):
    big, small = two_cycles
    grew, pairing, rate = survey_headlines(cycle_ids=[big.pk, small.pk])
    assert grew.value == "90%" and "3 more in cycles with fewer than 5 answers are not counted" in grew.detail
    assert rate == SurveyHeadline("Response rate", "86.7%", "13 responses to 15 invitations")
    assert survey_headlines(cycle_ids=[small.pk])[0].value == "not enough answers"


def test_no_invitations_means_no_survey_data_yet():
    assert survey_headlines(cycle_ids=[CycleFactory().pk]) is None


def test_dashboard_and_outcomes_show_the_headlines(client, coordinator, two_cycles):
    big, _ = two_cycles
    client.force_login(coordinator)
    body = client.get(reverse("reports:dashboard"), {"program": big.program_id, "cycle": big.pk}).content.decode()
    assert "Said the program helped them grow" in body and "No survey data yet" not in body
    result = program_outcomes(filters=ReportFilters(program_id=big.program_id), programs=Program.objects.all())
    assert [h.label for h in result.surveys] == [
        "Said the program helped them grow", "Satisfied with their pairing", "Response rate",
    ]  # fmt: skip
