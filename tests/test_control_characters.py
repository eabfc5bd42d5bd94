"""Control characters no export can hold, typed or pasted as a user would, never break a page or a
file: forms store the text without them, the roster import drops them from names, and CSV and
XLSX exports open, even for rows stored before the cleaning existed.

The characters are those seen in the wild: a vertical tab (it once made a survey's XLSX export
a 500 for good), NUL (PostgreSQL refuses it), ESC (terminal colour codes pasted from a log) and
NEL U+0085 (Windows-1252 text read as Latin-1).
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from profiles.models import GoalProgressNote, Person
from profiles.tests.factories import CoordinatorFactory, DevelopmentGoalFactory, HRAnalystFactory, PersonFactory
from programs.tests.factories import CycleFactory
from surveys.models import Answer, QuestionKind
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, QuestionFactory

pytestmark = pytest.mark.django_db

DIRTY = "Needs\x0b more\x00 time\x1b[1m with\x85 my mentor\x7f\x9f"
CLEAN = "Needs more time[1m with my mentor"
RESPONDENTS = 5  # enough that no small-group rule hides the rows


def _download(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def _xlsx_rows(body: bytes) -> list[tuple]:
    return [tuple(row) for row in load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)]


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def survey_world():
    cycle = CycleFactory()
    coordinator = CoordinatorFactory()
    cycle.program.coordinators.add(coordinator)
    survey = OpenSurveyFactory(cycle=cycle, anonymous=False, title="Midpoint\x0b check-in")
    question = QuestionFactory(survey=survey, kind=QuestionKind.TEXT, text="What would\x0b help?")
    invitations = [InvitationFactory(survey=survey, person=PersonFactory()) for _ in range(RESPONDENTS)]
    return coordinator, survey, question, invitations


def test_answers_typed_with_control_characters_are_stored_clean_and_both_exports_open(client, survey_world):
    coordinator, survey, question, invitations = survey_world
    for invitation in invitations:
        response = client.post(
            reverse("surveys:answer-token", args=[invitation.token]),
            {question.field_name: DIRTY, "action": "submit"},
        )
        assert response.status_code == 302
    assert list(Answer.objects.values_list("text", flat=True)) == [CLEAN] * RESPONDENTS

    client.force_login(coordinator)
    xlsx = _xlsx_rows(_download(client.get(reverse("surveys:survey-export", args=[survey.pk, "xlsx"]))))
    rows = _csv_rows(_download(client.get(reverse("surveys:survey-export", args=[survey.pk, "csv"]))))
    assert xlsx[0][-1] == rows[0][-1] == "What would help?"  # question text stored before cleaning
    assert [r[-1] for r in xlsx[1:]] == [r[-1] for r in rows[1:]] == [CLEAN] * RESPONDENTS
    assert AuditEntry.objects.filter(action="survey.export").count() == 2


def test_rows_stored_before_the_cleaning_still_export(client, survey_world):
    """Text that reached the database another way (an old row, a script) is cleaned on the way out."""
    coordinator, survey, question, invitations = survey_world
    for invitation in invitations:
        client.post(
            reverse("surveys:answer-token", args=[invitation.token]), {question.field_name: "fine", "action": "submit"}
        )
    Answer.objects.update(text="\x0b=HYPERLINK(\"http://x\")\x1b\x85")
    Person.objects.filter(pk=invitations[0].person_id).update(first_name="Ann\x0b", last_name="\x85Lee")

    client.force_login(coordinator)
    xlsx = _xlsx_rows(_download(client.get(reverse("surveys:survey-export", args=[survey.pk, "xlsx"]))))
    rows = _csv_rows(_download(client.get(reverse("surveys:survey-export", args=[survey.pk, "csv"]))))
    # Cleaned first, then neutralised: the hidden "=" cannot become a formula once the tab goes.
    assert {r[-1] for r in xlsx[1:]} == {r[-1] for r in rows[1:]} == {"'=HYPERLINK(\"http://x\")"}
    assert "Ann Lee" in {r[1] for r in xlsx[1:]} & {r[1] for r in rows[1:]}


def test_an_export_that_fails_leaves_no_audit_entry(client, survey_world, monkeypatch):
    coordinator, survey, _question, _invitations = survey_world
    from surveys.exports import ResponsesExport

    def broken(self, **filters):
        yield ("2026-01-01", "Ann")
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(ResponsesExport, "rows", broken)
    client.force_login(coordinator)
    client.raise_request_exception = False
    assert client.get(reverse("surveys:survey-export", args=[survey.pk, "xlsx"])).status_code == 500
    assert client.get(reverse("surveys:survey-export", args=[survey.pk, "csv"])).status_code == 500
    assert not AuditEntry.objects.filter(action="survey.export").exists()


def test_progress_notes_with_control_characters_are_saved_clean(client):
    goal = DevelopmentGoalFactory()
    client.force_login(goal.person.user)
    response = client.post(reverse("profiles:goal-notes", args=[goal.pk]), {"text": "Read\x0b the\x00 book\x1b\x85"})
    assert response.status_code == 302
    assert GoalProgressNote.objects.get().text == "Read the book"


def test_a_note_made_only_of_control_characters_is_refused_with_a_message(client):
    goal = DevelopmentGoalFactory()
    client.force_login(goal.person.user)
    response = client.post(reverse("profiles:goal-notes", args=[goal.pk]), {"text": "\x0b\x00\x1b\x85"})
    assert response.status_code == 200
    assert "Write something in the note." in response.content.decode()
    assert not GoalProgressNote.objects.exists()


def test_roster_names_lose_their_control_characters(client):
    hr = HRAnalystFactory()
    client.force_login(hr)
    data = (
        "Employee ID,Name,E-mail,Department,Title\n"
        "E1,\"Okafor\x0b, Grace\x1b\x85\",grace@example.gov,Finance\x7f,Dir\x0bector\n"
    ).encode()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker's reading and applying
        response = client.post(reverse("reports:roster-upload"), {"file": SimpleUploadedFile("r.csv", data, "text/csv")})
    assert response.status_code == 302
    from reports.models import RosterImport

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("reports:roster-apply", args=[RosterImport.objects.get().pk]))
    person = Person.objects.get(employee_id="E1")
    assert (person.first_name, person.last_name, person.department.name, person.title) == (
        "Grace", "Okafor", "Finance", "Director",
    )  # fmt: skip


def test_a_roster_with_nul_bytes_is_refused_with_a_clear_message(client):
    client.force_login(HRAnalystFactory())
    data = b"Employee ID,Name,E-mail,Department\nE1,Grace\x00 Okafor,grace@example.gov,Finance\n"
    response = client.post(reverse("reports:roster-upload"), {"file": SimpleUploadedFile("r.csv", data, "text/csv")})
    assert response.status_code == 200
    assert "does not look like a CSV text file" in response.content.decode()
    assert not Person.objects.exists()
