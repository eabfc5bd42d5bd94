"""The pending pool's release rule, the coarsening rule, and the beat task that empties closed pools."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys import services
from surveys.anonymity.coarsening import Scheme, scheme_for
from surveys.anonymity.sealing import seal, unseal
from surveys.forms import AnswerValue
from surveys.models import Answer, PendingSubmission, QuestionKind, Response
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, QuestionFactory


def test_sealing_round_trips_and_survives_a_key_rotation(settings):
    token = seal({"answers": {"1": [3, "", []]}})
    assert unseal(token) == {"answers": {"1": [3, "", []]}}
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation"
    assert unseal(token)["answers"]["1"][0] == 3


def test_sealed_lengths_hide_answer_lengths_up_to_the_padding_floor():
    assert len(seal({"t": "a"})) == len(seal({"t": "b" * 3000}))


def _people(*cells):
    """cells: (role, department, how many) -> invitee rows with distinct person ids."""
    rows, pid = [], 0
    for role, department, n in cells:
        for _ in range(n):
            pid += 1
            rows.append((pid, role, department))
    return rows


def test_scheme_keeps_role_and_department_when_every_combination_has_five():
    rows = _people(("mentor", 1, 5), ("mentee", 1, 6), ("mentor", 2, 5), ("mentee", 2, 5))
    assert scheme_for(rows) == Scheme(keep_role=True, departments=frozenset({1, 2}))


def test_scheme_merges_a_small_department_into_other_departments():
    rows = _people(("mentee", 1, 5), ("mentee", 2, 5), ("mentee", 3, 2), ("mentee", 4, 3))
    scheme = scheme_for(rows)
    assert scheme.keep_role and scheme.departments == frozenset({1, 2})
    assert scheme.apply("mentee", 3) == ("mentee", None)


def test_scheme_drops_the_role_when_a_role_department_cell_is_small():
    # Roles (8 mentors) and departments (10 each) pass alone; "mentor in 2" is three people.
    rows = _people(("mentor", 1, 5), ("mentee", 1, 5), ("mentor", 2, 3), ("mentee", 2, 7))
    assert scheme_for(rows) == Scheme(keep_role=False, departments=frozenset({1, 2}))


def test_scheme_keeps_nothing_for_a_tiny_survey():
    assert scheme_for(_people(("mentor", 1, 2), ("mentee", 2, 2))) == Scheme(keep_role=False, departments=frozenset())


@pytest.fixture
def survey(db):
    survey = OpenSurveyFactory(anonymous=True)
    survey.q = QuestionFactory(survey=survey, kind=QuestionKind.RATING)
    return survey


def _submit(survey, n):
    for i in range(n):
        services.response_submit(invitation=InvitationFactory(survey=survey), answers={survey.q.pk: AnswerValue(number=i % 11)})


def test_nine_waiting_stay_waiting_and_the_tenth_releases_all_but_five(survey):
    _submit(survey, 9)
    assert (PendingSubmission.objects.count(), Response.objects.count()) == (9, 0)
    _submit(survey, 1)
    assert (PendingSubmission.objects.count(), Response.objects.count()) == (5, 5)
    assert Answer.objects.filter(response__survey=survey).count() == 5
    _submit(survey, 4)
    assert (PendingSubmission.objects.count(), Response.objects.count()) == (9, 5)


def test_the_beat_task_releases_a_closed_surveys_pool_and_leaves_open_ones(survey):
    from surveys.tasks import release_pools

    _submit(survey, 3)
    other = OpenSurveyFactory(anonymous=True)
    other.q = QuestionFactory(survey=other, kind=QuestionKind.RATING)
    _submit(other, 2)
    survey.closes_on = timezone.localdate() - timedelta(days=1)
    survey.save()

    assert release_pools.delay().get() == 3
    assert Response.objects.filter(survey=survey).count() == 3
    assert PendingSubmission.objects.filter(survey=other).count() == 2
    assert release_pools.delay().get() == 0  # nothing left to do: safe to run any number of times


def test_released_answers_land_with_the_weeks_monday_and_no_identity(survey):
    _submit(survey, 10)
    dates = set(Response.objects.values_list("submitted_on", flat=True))
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert dates == {monday}
    assert not Response.objects.filter(invitation__isnull=False).exists()
    assert Answer.objects.filter(response__survey=survey).count() == 5


def test_questions_are_locked_while_answers_wait_in_the_pool(survey):
    from surveys.services.building import questions_locked

    assert not questions_locked(survey)
    _submit(survey, 1)
    assert questions_locked(survey)


def test_a_draft_sealed_under_a_forgotten_key_reads_as_empty_not_an_error(settings, db):
    from surveys.models import Draft

    draft = Draft(invitation=InvitationFactory(), sealed=seal({"q1": "typed"}))
    settings.SECRET_KEY = "rotated-without-a-fallback"
    settings.SECRET_KEY_FALLBACKS = []
    assert draft.data == {}
