"""surveys/0004_pending_pool: older anonymous responses are rewritten, drafts sealed, nothing lost."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("surveys", "0003_invitation_person_survey_index")]
AFTER = [("surveys", "0004_pending_pool")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_state():
    apps = _migrate(BEFORE)
    yield apps
    _migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_old_anonymous_responses_are_reshuffled_rekeyed_weekly_and_drafts_sealed(old_state):
    apps = old_state
    # Only surveys is rolled back; the other apps' tables are current, so their rows come from
    # today's factories and the surveys rows from the historical models.
    from profiles.tests.factories import DepartmentFactory, PersonFactory
    from programs.tests.factories import CycleFactory

    Survey = apps.get_model("surveys", "Survey")
    Question = apps.get_model("surveys", "Question")
    Invitation = apps.get_model("surveys", "Invitation")
    Response = apps.get_model("surveys", "Response")
    Answer = apps.get_model("surveys", "Answer")
    Draft = apps.get_model("surveys", "Draft")

    department = DepartmentFactory(name="Policy")
    cycle = CycleFactory()
    survey = Survey.objects.create(
        cycle_id=cycle.pk, title="Old", anonymous=True, audience="both", opens_on=date(2025, 3, 1),
        closes_on=date(2025, 3, 20),
    )
    question = Question.objects.create(survey=survey, kind="text", text="Comments")
    invitations = []
    for i in range(6):
        person = PersonFactory(department=department)
        invitations.append(
            Invitation.objects.create(
                survey=survey, person_id=person.pk, role="mentee", nonce=f"n{i}", token_hash=f"h{i}", used=i < 5
            )
        )
    # As the old code left them: one row per submission, in order, each dated on its own day.
    old_ids = []
    for i in range(5):
        response = Response.objects.create(
            survey=survey, anonymous=True, role="mentee", department_id=department.pk, submitted_on=date(2025, 3, 3 + i)
        )
        Answer.objects.create(response=response, question=question, text=f"old answer {i}")
        old_ids.append(response.pk)
    Draft.objects.create(invitation=invitations[5], data={f"q{question.pk}": "half typed"})

    apps = _migrate(AFTER)
    Response = apps.get_model("surveys", "Response")
    Answer = apps.get_model("surveys", "Answer")
    Draft = apps.get_model("surveys", "Draft")

    responses = list(Response.objects.filter(survey_id=survey.pk))
    assert len(responses) == 5
    assert not {r.pk for r in responses} & set(old_ids)  # new random keys
    assert {r.submitted_on for r in responses} == {date(2025, 3, 3)}  # the Monday of that week
    assert sorted(Answer.objects.filter(response__survey_id=survey.pk).values_list("text", flat=True)) == [
        f"old answer {i}" for i in range(5)
    ]
    xmins = {x for (x,) in _rows("SELECT xmin::text FROM surveys_response WHERE survey_id = %s", [survey.pk])}
    assert len(xmins) == 1  # all rewritten by the migration's one transaction
    # Six invitees, five mentees in one department each way: the combination keeps only what
    # has five invitees (six people, all mentees of Policy), so both may stay.
    assert {(r.role, r.department_id) for r in responses} == {("mentee", department.pk)}
    (draft,) = Draft.objects.all()
    assert "half typed" not in draft.sealed

    from surveys.anonymity.sealing import unseal

    assert unseal(draft.sealed) == {f"q{question.pk}": "half typed"}


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
