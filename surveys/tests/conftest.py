from __future__ import annotations

import pytest
from django.urls import reverse

from profiles.tests.factories import CoordinatorFactory, PersonFactory
from programs.tests.factories import CycleFactory
from surveys.models import QuestionKind
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, QuestionFactory


@pytest.fixture
def cycle(db):
    return CycleFactory()


@pytest.fixture
def coordinator(cycle):
    user = CoordinatorFactory()
    cycle.program.coordinators.add(user)
    return user


@pytest.fixture
def other_coordinator(db):
    return CoordinatorFactory()


@pytest.fixture
def every_kind_survey(cycle):
    """An open survey with one required question of each kind (and one optional text)."""
    survey = OpenSurveyFactory(cycle=cycle, anonymous=False, title="Midpoint check-in")
    questions = {
        "likert": QuestionFactory(survey=survey, kind=QuestionKind.LIKERT, text="I am making progress."),
        "rating": QuestionFactory(survey=survey, kind=QuestionKind.RATING, text="Recommend the program?"),
        "single": QuestionFactory(survey=survey, kind=QuestionKind.SINGLE, text="How often?", choices=["Weekly", "Monthly"]),
        "multiple": QuestionFactory(
            survey=survey, kind=QuestionKind.MULTIPLE, text="What helped?", choices=["Meetings", "Events", "Goals"]
        ),
        "yes_no": QuestionFactory(survey=survey, kind=QuestionKind.YES_NO, text="Take part again?"),
        "text": QuestionFactory(survey=survey, kind=QuestionKind.TEXT, text="What would help?"),
        "optional": QuestionFactory(survey=survey, kind=QuestionKind.TEXT, text="Anything else?", required=False),
    }
    survey.q = questions
    return survey


def valid_post(survey) -> dict:
    q = survey.q
    return {
        q["likert"].field_name: "4",
        q["rating"].field_name: "9",
        q["single"].field_name: "Weekly",
        q["multiple"].field_name: ["Meetings", "Goals"],
        q["yes_no"].field_name: "1",
        q["text"].field_name: "More time with my mentor.",
        "action": "submit",
    }


@pytest.fixture
def invitation(every_kind_survey):
    return InvitationFactory(survey=every_kind_survey, person=PersonFactory())


def token_url(invitation) -> str:
    return reverse("surveys:answer-token", args=[invitation.token])


def release_all(survey) -> int:
    """Release every pooled anonymous answer, as beat does once the survey has closed."""
    from datetime import timedelta

    from surveys.services import pool_release

    return pool_release(survey_id=survey.pk, today=survey.closes_on + timedelta(days=1))
