"""Attacks on anonymous surveys by someone who holds the database (and reads every page).

Each test plays the attacker against the real PostgreSQL: people answer through the real pages
(so every write takes the path production takes, one transaction per step), the attacker then
tries one way of tying answers to people, and the test measures how far that got. Every person
gives a different answer, so a correct link is recognisable. On the code before the pending
pool each of these attacks linked every answer (12 of 12 by xmin, 20 of 20 by row order, and so
on); here each must fail. docs/surveys.md lists what a DBA can and cannot learn.

`transaction=True`: the test's writes really commit, as in production, so that transaction ids
(xmin) and physical row order are what a DBA would see, and VACUUM can run.
"""

from __future__ import annotations

import io
import os
from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse

from profiles.tests.factories import DepartmentFactory, PersonFactory
from surveys.models import Invitation, PendingSubmission, QuestionKind, Response
from surveys.tests.conftest import release_all, token_url
from surveys.tests.factories import InvitationFactory, OpenSurveyFactory, QuestionFactory

pytestmark = pytest.mark.django_db(transaction=True)

MIN = 5


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("The anonymity attacks need PostgreSQL (xmin, ctid, VACUUM).")
        pytest.skip("The anonymity attacks need PostgreSQL (xmin, ctid, VACUUM): set DATABASE_URL.")


@pytest.fixture
def survey(cycle):
    survey = OpenSurveyFactory(cycle=cycle, anonymous=True, title="Honest feedback")
    survey.rating = QuestionFactory(survey=survey, kind=QuestionKind.RATING, text="Recommend the program?")
    survey.comment = QuestionFactory(survey=survey, kind=QuestionKind.TEXT, text="Anything else?", required=False)
    return survey


def _submit(client, invitation, rating: int, comment: str) -> None:
    survey = invitation.survey
    data = {survey.rating.field_name: str(rating), survey.comment.field_name: comment, "action": "submit"}
    assert client.post(token_url(invitation), data).status_code == 302


def _everyone_answers(client, survey, invitations) -> dict[str, int]:
    """Each person writes a comment naming them; returns comment -> person id (the truth)."""
    truth = {}
    for i, invitation in enumerate(invitations):
        comment = f"answer number {i} from person {invitation.person_id}"
        _submit(client, invitation, rating=i % 11, comment=comment)
        truth[comment] = invitation.person_id
    return truth


def _rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _xmin(table: str, survey_id: int, column: str = "survey_id") -> list[tuple]:
    return _rows(f"SELECT id, xmin::text::bigint FROM {table} WHERE {column} = %s", [survey_id])


def _comment_of(survey) -> dict[str, str]:
    """response id -> its comment, as a DBA reads it."""
    return {
        str(rid): text
        for rid, text in _rows(
            "SELECT response_id, text FROM surveys_answer WHERE question_id = %s", [survey.comment.pk]
        )
    }


def _xmin_attack(survey, truth: dict[str, int]) -> tuple[int, Counter]:
    """Link each response to the invitation whose xmin is equal or nearest below its own."""
    invitations = sorted((x, person) for person, x in _rows(
        "SELECT person_id, xmin::text::bigint FROM surveys_invitation WHERE survey_id = %s AND used", [survey.pk]
    ))
    comments = _comment_of(survey)
    linked, shares = 0, Counter()
    for rid, x in _xmin("surveys_response", survey.pk):
        shares[x] += 1
        below = [person for ix, person in invitations if ix <= x]
        if below and truth[comments[str(rid)]] == below[-1]:
            linked += 1
    return linked, shares


def test_joining_on_xmin_links_no_answer_even_after_vacuum_freeze(client, survey):
    invitations = [InvitationFactory(survey=survey) for _ in range(12)]
    truth = _everyone_answers(client, survey, invitations)
    release_all(survey)
    assert Response.objects.filter(survey=survey).count() == 12

    for vacuum in (False, True):
        if vacuum:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM FREEZE surveys_response, surveys_answer, surveys_invitation")
        same = _rows(
            "SELECT i.person_id FROM surveys_invitation i JOIN surveys_response r ON r.xmin = i.xmin "
            "WHERE i.survey_id = %s",
            [survey.pk],
        )
        assert same == []  # no response was written by the transaction that used an invitation
        linked, shares = _xmin_attack(survey, truth)
        # Responses arrive in batches, one transaction each: every xmin is shared by five or
        # more responses, so "nearest invitation" names at most one person per batch, and the
        # attacker cannot tell which response of the batch that is.
        assert min(shares.values()) >= MIN
        assert linked <= len(shares)


def test_pending_answers_are_sealed_against_their_xmin_neighbour(client, survey):
    """While waiting, a pending row sits next to its invitation in xmin order: it must say nothing."""
    invitations = [InvitationFactory(survey=survey) for _ in range(3)]
    secrets = ["short", "x" * 3000, "Ünïcødé and a confession"]
    for invitation, secret in zip(invitations, secrets, strict=True):
        _submit(client, invitation, rating=3, comment=secret)
    assert not Response.objects.exists()

    rows = _rows("SELECT row_to_json(p)::text, length(sealed) FROM surveys_pendingsubmission p")
    assert len(rows) == 3
    for dump, _ in rows:
        assert all(secret not in dump for secret in secrets)
    assert len({length for _, length in rows}) == 1  # the length of an answer does not show either
    # The draft table is the other place answers sit next to a person.
    client.post(token_url(InvitationFactory(survey=survey)), {survey.comment.field_name: "draft secret", "action": "save"})
    assert all("draft secret" not in dump for (dump,) in _rows("SELECT row_to_json(d)::text FROM surveys_draft d"))


def _order_attack(survey, invitations, truth: dict[str, int], order_sql: str) -> int:
    """Zip responses in `order_sql` order with the people in the order they submitted."""
    comments = _comment_of(survey)
    ordered = [str(rid) for (rid,) in _rows(order_sql, [survey.pk])]
    submitted = [inv.person_id for inv in invitations]
    return sum(truth[comments[rid]] == person for rid, person in zip(ordered, submitted, strict=True))


@pytest.mark.parametrize(
    "order_sql",
    [
        "SELECT id FROM surveys_response WHERE survey_id = %s ORDER BY id",
        "SELECT id FROM surveys_response WHERE survey_id = %s ORDER BY ctid",
        "SELECT id FROM surveys_response WHERE survey_id = %s ORDER BY submitted_on, id",
        # Answers have a sequence: the first answer id of each response gives its insertion order.
        "SELECT r.id FROM surveys_response r JOIN surveys_answer a ON a.response_id = r.id "
        "WHERE r.survey_id = %s GROUP BY r.id ORDER BY min(a.id)",
        "SELECT r.id FROM surveys_response r JOIN surveys_answer a ON a.response_id = r.id "
        "WHERE r.survey_id = %s GROUP BY r.id ORDER BY min(a.ctid)",
    ],
    ids=["by-id", "by-ctid", "by-date", "by-answer-id", "by-answer-ctid"],
)
def test_ordering_rows_does_not_give_the_order_people_answered_in(client, survey, order_sql):
    invitations = [InvitationFactory(survey=survey) for _ in range(20)]
    truth = _everyone_answers(client, survey, invitations)
    release_all(survey)
    weeks = Counter(Response.objects.filter(survey=survey).values_list("submitted_on", flat=True))
    assert min(weeks.values()) >= MIN  # a date is a batch's week: shared by five or more

    linked = _order_attack(survey, invitations, truth, order_sql)

    # Shuffled batches leave about one chance match in twenty (a random permutation has one
    # fixed point on average; ten or more happen about once in a million runs). The order of
    # submission linked all twenty.
    assert linked < 10


def test_quasi_identifiers_leave_every_response_among_five_invitees(client, survey):
    """The attacker knows each invitee's role and department from HR data."""
    a, b, c = DepartmentFactory(name="Policy"), DepartmentFactory(name="Legal"), DepartmentFactory(name="Audit")
    plan = [(a, "mentee", 8), (a, "mentor", 4), (b, "mentee", 5), (b, "mentor", 2), (c, "mentor", 1)]
    invitations = [
        InvitationFactory(survey=survey, person=PersonFactory(department=dept), role=role)
        for dept, role, n in plan
        for _ in range(n)
    ]
    _everyone_answers(client, survey, invitations)
    release_all(survey)

    invitees = [(inv.role, inv.person.department_id) for inv in Invitation.objects.filter(survey=survey).select_related("person")]
    for role, department_id in Response.objects.filter(survey=survey).values_list("role", "department_id"):
        # A blank attribute matches anyone (the most generous reading for the attacker would be
        # "blank means a small group": the rule makes that reading impossible too, see below).
        candidates = [
            1 for r, d in invitees if (not role or r == role) and (department_id is None or d == department_id)
        ]
        assert len(candidates) >= MIN, (role, department_id)
    # "Blank means the small group" does not work either: if a stored value is blank, no
    # response keeps that attribute at all.
    stored = set(Response.objects.filter(survey=survey).values_list("role", "department_id"))
    roles, departments = {r for r, _ in stored}, {d for _, d in stored}
    assert roles == {""} or "" not in roles
    assert departments == {None} or all(
        sum(1 for r, d in invitees if d == dept) >= MIN for dept in departments if dept is not None
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporting_a_small_survey_gives_nothing(client, survey, coordinator, fmt):
    invitations = [InvitationFactory(survey=survey) for _ in range(4)]
    truth = _everyone_answers(client, survey, invitations)
    release_all(survey)
    client.force_login(coordinator)

    response = client.get(reverse("surveys:survey-export", args=[survey.pk, fmt]))

    assert response.status_code == 302
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "xlsx" and body.startswith(b"PK"):
        from openpyxl import load_workbook

        body = repr(list(load_workbook(io.BytesIO(body)).active.values)).encode()
    assert all(comment.encode() not in body for comment in truth)


def test_exporting_never_gives_a_question_only_a_few_answered(client, survey, coordinator):
    invitations = [InvitationFactory(survey=survey) for _ in range(7)]
    for i, invitation in enumerate(invitations):
        _submit(client, invitation, rating=5, comment="mine alone" if i < 2 else "")
    release_all(survey)
    client.force_login(coordinator)
    response = client.get(reverse("surveys:survey-export", args=[survey.pk, "csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "mine alone" not in body and "Anything else?" not in body
    assert len(body.splitlines()) == 8  # the seven responses are there, without the small column


def _difference_attack(results) -> list[tuple[str, int, float | None]]:
    """For each breakdown: people hidden, and their mean worked out as total minus visible groups."""
    found = []
    overall = {r.question.pk: r for r in results.questions}
    for breakdown in results.breakdowns:
        hidden_people = results.respondents - sum(g.respondents for g in breakdown.groups)
        for i, question in enumerate(results.numeric_questions):
            total_mean = overall[question.pk].mean
            if total_mean is None or not hidden_people:
                continue
            if any(g.means[i] is None for g in breakdown.groups):
                continue
            visible_sum = sum(g.means[i] * g.respondents for g in breakdown.groups)
            derived = (total_mean * results.respondents - visible_sum) / hidden_people
            found.append((breakdown.title, hidden_people, round(derived, 2)))
    return found


def test_differencing_the_breakdowns_reveals_no_group_under_five(client, survey, coordinator):
    office = DepartmentFactory(name="Head office")
    invitations = [InvitationFactory(survey=survey, person=PersonFactory(department=office), role="mentee") for _ in range(6)]
    invitations += [InvitationFactory(survey=survey, person=PersonFactory(department=office), role="mentor") for _ in range(6)]
    mentees, mentors = invitations[:5], invitations[6:10]  # five mentees and four mentors answer
    for invitation in mentees:
        _submit(client, invitation, rating=9, comment="")
    for invitation, rating in zip(mentors, (1, 2, 4, 5), strict=True):
        _submit(client, invitation, rating=rating, comment="")
    release_all(survey)
    client.force_login(coordinator)

    results = client.get(reverse("surveys:survey-results", args=[survey.pk])).context["results"]

    assert results.respondents == 9 and not results.hidden
    by_role = results.breakdowns[0]
    assert {g.label for g in by_role.groups} <= {"Mentees", "Mentors", "Role not recorded"}
    for title, hidden_people, derived in _difference_attack(results):
        # Whatever can be worked out by subtraction is the pooled figure of five people or more,
        # never the mentors' 3.00 on its own.
        assert hidden_people >= MIN, (title, hidden_people, derived)
    shown = {g.label for g in by_role.groups}
    assert "Mentors" not in shown and "Mentees" not in shown


def test_a_coordinator_sees_how_many_answered_but_not_who_is_waiting(client, survey, coordinator):
    invitations = [InvitationFactory(survey=survey) for _ in range(7)]
    for invitation in invitations:
        _submit(client, invitation, rating=7, comment="")
    client.force_login(coordinator)

    results = client.get(reverse("surveys:survey-results", args=[survey.pk])).context["results"]

    assert (results.responded, results.respondents, results.waiting) == (7, 0, 7)
    assert results.hidden  # nothing released yet: no figure at all
    # Fewer than ten wait, so none is released before the survey closes.
    assert PendingSubmission.objects.filter(survey=survey).count() == 7
    page = client.get(reverse("surveys:survey-results", args=[survey.pk])).content.decode()
    assert "7 waiting to be released" in page
