"""The matching audit: shares by group with small groups suppressed (and their complement), choice
figures, idle mentors and why, pairs with no skill match; the page, the CSV and the XLSX."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from matching.models import MatchProposal, MatchRun
from matching.selectors.audit import (
    IDLE_NO_PLACES,
    IDLE_NO_TEACHING,
    IDLE_NOT_WANTED,
    IDLE_OUTSCORED,
    run_audit,
    suppress,
)
from matching.tests.world import build_world
from profiles.models import Department, DevelopmentGoal, Person
from profiles.tests.factories import (
    DepartmentFactory,
    DevelopmentGoalFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
)
from programs.models import Enrollment
from programs.tests.factories import EnrollmentFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- suppression


def _hidden(rows):
    return {r.label for r in rows if r.hidden}


def test_no_small_group_hides_nothing():
    assert _hidden(suppress({"A": (9, 4), "B": (5, 5), "C": (7, 0)})) == set()


def test_one_small_group_hides_the_next_smallest_too_so_it_cannot_be_subtracted():
    rows = suppress({"A": (20, 10), "B": (3, 1), "C": (6, 2), "D": (8, 8)})
    assert _hidden(rows) == {"B", "C"}
    assert [r.label for r in rows if r.small] == ["B"]
    # What a reader can see: the total and the visible groups. The hidden ones are only known together.
    visible = sum(r.mentees for r in rows if not r.hidden)
    assert 37 - visible == 9  # B and C together; neither alone


def test_two_small_groups_are_hidden_without_a_complement():
    assert _hidden(suppress({"A": (20, 10), "B": (3, 1), "C": (4, 2), "D": (8, 8)})) == {"B", "C"}


def test_a_lone_small_group_with_nothing_else_is_hidden():
    assert _hidden(suppress({"A": (2, 1)})) == {"A"}
    assert _hidden(suppress({"A": (2, 1), "B": (30, 1)})) == {"A", "B"}


@pytest.mark.parametrize("sizes", [(1, 9, 9, 9), (4, 5, 5), (5, 4), (3, 3, 50), (7, 1, 2, 60, 4)])
def test_never_exactly_one_hidden_group(sizes):
    rows = suppress({f"G{i}": (n, 0) for i, n in enumerate(sizes)})
    assert sum(r.hidden for r in rows) != 1
    assert all(r.hidden for r in rows if r.mentees < 5)


# ---------------------------------------------------------------- a run's audit, on the page


@pytest.fixture
def audit_world(db):
    """14 mentees (6 Planning, 3 Legal, 5 Audit) and three strong mentors with five places each;
    plus four mentors each idle for a different reason."""
    world = build_world(mentors=3, mentees=14, capacity=5)
    legal, audit = DepartmentFactory(name="Legal", code="LEG"), DepartmentFactory(name="Audit", code="AUD")
    for j, mentee in enumerate(world.mentees):
        if 6 <= j < 9:
            mentee.department = legal
        elif j >= 9:
            mentee.department = audit
        mentee.save()
    finance = world.mentors[0].department
    cycle = world.cycle

    def mentor(name, capacity=1):
        person = PersonFactory(first_name=name, last_name="Idle", department=finance)
        EnrollmentFactory(cycle=cycle, person=person, role=Enrollment.Role.MENTOR, capacity=capacity)
        return person

    weak = mentor("Weak", capacity=3)
    PersonSkillFactory(person=weak, skill=world.skills[0], level=1, will_teach=True)
    unwilling = mentor("Unwilling")
    PersonSkillFactory(person=unwilling, skill=world.skills[1], level=4, will_teach=False)
    unwanted = mentor("Unwanted")
    PersonSkillFactory(person=unwanted, skill=SkillFactory(), level=4, will_teach=True)
    full = mentor("Full")
    PersonSkillFactory(person=full, skill=world.skills[2], level=4, will_teach=True)
    MentorshipFactory(cycle=cycle, mentor=full, mentee=PersonFactory())  # a pair made outside matching
    world.extra.update(weak=weak, unwilling=unwilling, unwanted=unwanted, full=full, legal=legal, audit=audit)
    return world


def test_audit_page_shows_shares_and_hides_small_groups_with_their_complement(client, audit_world, make_run):
    run = make_run(audit_world)
    assert run.status == "done", run.message
    client.force_login(audit_world.coordinator)
    response = client.get(reverse("matching:run-audit", args=[run.pk]))
    assert response.status_code == 200
    audit = response.context["audit"]
    assert (audit.mentees, audit.matched) == (14, 14)
    department = next(b for b in audit.breakdowns if b.title == "Department")
    rows = {r.label: r for r in department.rows}
    assert not rows["Planning"].hidden and (rows["Planning"].mentees, rows["Planning"].matched) == (6, 6)
    assert rows["Legal"].hidden and rows["Legal"].small  # 3 people
    assert rows["Audit"].hidden and not rows["Audit"].small  # 5 people, hidden so Legal cannot be subtracted
    html = response.content.decode()
    assert "Fewer than 5 people: hidden" in html and "Hidden, so a smaller group cannot be worked out" in html
    goals = next(b for b in audit.breakdowns if b.title == "Number of goals")
    assert [(r.label, r.mentees, r.hidden) for r in goals.rows] == [("1 goal", 14, False)]
    grade = next(b for b in audit.breakdowns if b.title == "Grade")
    assert [r.label for r in grade.rows] == ["Not recorded"]
    # Idle mentors, each with the reason that holds.
    extra = audit_world.extra
    reasons = {i.mentor.pk: i.reason for i in audit.idle}
    assert reasons == {
        extra["weak"].pk: IDLE_OUTSCORED,
        extra["unwilling"].pk: IDLE_NO_TEACHING,
        extra["unwanted"].pk: IDLE_NOT_WANTED,
        extra["full"].pk: IDLE_NO_PLACES,
    }
    assert audit.mentors == 7
    assert "4 of 7 approved mentors have no mentee in this run." in html
    # The run page carries the headline and the links.
    run_html = client.get(run.get_absolute_url()).content.decode()
    assert "14 of 14 mentees matched; 2 small department groups hidden." in run_html
    assert reverse("matching:run-audit-export", args=[run.pk, "csv"]) in run_html


def test_rejecting_a_pair_counts_the_mentee_as_unmatched_in_the_audit(client, audit_world, make_run):
    run = make_run(audit_world)
    proposal = run.proposals.filter(mentee__department__name="Planning").order_by("pk").first()
    client.force_login(audit_world.coordinator)
    client.post(reverse("matching:proposal-reject", args=[run.pk, proposal.pk]))
    audit = run_audit(MatchRun.objects.get(pk=run.pk))
    assert (audit.mentees, audit.matched) == (14, 13)
    planning = next(r for r in audit.breakdowns[0].rows if r.label == "Planning")
    assert (planning.mentees, planning.matched) == (6, 5)


def test_pairs_with_no_skill_match_are_listed(client, make_run, db):
    world = build_world(mentors=2, mentees=2, capacity=2)
    stranger = PersonFactory(first_name="Stranger", last_name="Nomatch", department=world.mentees[0].department)
    DevelopmentGoalFactory(person=stranger, skill=SkillFactory(), target_level=3, priority=1)
    EnrollmentFactory(cycle=world.cycle, person=stranger, role=Enrollment.Role.MENTEE)
    run = make_run(world)
    client.force_login(world.coordinator)
    if not run.proposals.filter(mentee=stranger).exists():
        response = client.post(
            reverse("matching:run-add", args=[run.pk]),
            {"add-mentor": world.mentors[0].pk, "add-mentee": stranger.pk},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    audit = client.get(reverse("matching:run-audit", args=[run.pk])).context["audit"]
    assert [p.mentee for p in audit.no_skill] == [stranger]
    assert audit.no_skill[0].mentor in world.mentors


def test_choice_figures_count_first_and_top_three(client, db, make_run):
    world = build_world(mentors=6, mentees=6, capacity=1, mentee_choice=True)
    m = world.mentors
    for j, mentee in enumerate(world.mentees):
        # Everyone puts their best mentor first, except mentee 5, who asks mentee 4's mentor first.
        ranking = [m[4], m[5]] if j == 5 else [m[j]]
        client.force_login(mentee.user)
        data = dict(zip(("first", "second"), (str(x.pk) for x in ranking), strict=False))
        assert client.post(reverse("matching:choice", args=[world.cycle.pk]), data).status_code == 302
    run = make_run(world)
    client.force_login(world.coordinator)
    audit = client.get(reverse("matching:run-audit", args=[run.pk])).context["audit"]
    assert (audit.choice.chose, audit.choice.first, audit.choice.top_three) == (6, 5, 6)
    assert not audit.choice.hidden


def test_choice_figures_are_hidden_under_five(client, db, make_run):
    world = build_world(mentors=3, mentees=3, capacity=1, mentee_choice=True)
    for j, mentee in enumerate(world.mentees):
        client.force_login(mentee.user)
        client.post(reverse("matching:choice", args=[world.cycle.pk]), {"first": str(world.mentors[j].pk)})
    run = make_run(world)
    client.force_login(world.coordinator)
    response = client.get(reverse("matching:run-audit", args=[run.pk]))
    assert response.context["audit"].choice.hidden
    assert "Fewer than 5 mentees ranked mentors" in response.content.decode()


# ---------------------------------------------------------------- exports


def test_csv_and_xlsx_exports_carry_the_same_rows_with_hidden_groups_hidden(client, audit_world, make_run):
    run = make_run(audit_world)
    client.force_login(audit_world.coordinator)
    response = client.get(reverse("matching:run-audit-export", args=[run.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"matching-audit-run-{run.pk}.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Section", "Group", "People", "Matched", "Matched (%)", "Note"]
    assert ["All mentees", "All", "14", "14", "100.0", ""] in rows
    assert ["Department", "Planning", "6", "6", "100.0", ""] in rows
    assert ["Department", "Legal", "hidden", "hidden", "hidden", "fewer than 5 people"] in rows
    assert ["Department", "Audit", "hidden", "hidden", "hidden", "hidden so a smaller group cannot be worked out"] in rows
    assert any(r[0] == "Idle mentor" and r[1] == "Weak Idle" for r in rows)
    response = client.get(reverse("matching:run-audit-export", args=[run.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    xlsx_rows = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    assert [r[:2] for r in xlsx_rows] == [r[:2] for r in rows]


def test_export_neutralises_a_name_that_looks_like_a_formula(client, audit_world, make_run):
    weak = audit_world.extra["weak"]
    weak.first_name = "=HYPERLINK(1)"
    weak.save()
    run = make_run(audit_world)
    client.force_login(audit_world.coordinator)
    text = b"".join(client.get(reverse("matching:run-audit-export", args=[run.pk, "csv"])).streaming_content).decode()
    assert "'=HYPERLINK(1) Idle" in text


def test_an_unknown_format_or_an_unfinished_run_is_not_found(client, world):
    run = MatchRun.objects.create(cycle=world.cycle, settings={})
    client.force_login(world.coordinator)
    assert client.get(reverse("matching:run-audit", args=[run.pk])).status_code == 404
    assert client.get(reverse("matching:run-audit-export", args=[run.pk, "csv"])).status_code == 404
    run.status = MatchRun.Status.DONE
    run.save()
    assert client.get(reverse("matching:run-audit-export", args=[run.pk, "pdf"])).status_code == 404


# ---------------------------------------------------------------- queries


def _bulk_run(world, n: int) -> MatchRun:
    """A finished run over n mentees, written in bulk: half paired, the rest left unmatched."""
    cycle = world.cycle
    departments = [Department.objects.create(name=f"Dept {n}-{i}", code=f"B{n}-{i}") for i in range(7)]
    mentors = list(world.mentors)
    people = Person.objects.bulk_create(
        Person(first_name=f"M{i}", last_name=f"Bulk{n}", email=f"bulk{n}-{i}@example.gov",
               department=departments[i % 7], grade=f"GS-{9 + i % 5}", office_location=f"Site {i % 3}")
        for i in range(n)
    )
    Enrollment.objects.bulk_create(Enrollment(cycle=cycle, person=p, role=Enrollment.Role.MENTEE) for p in people)
    DevelopmentGoal.objects.bulk_create(
        DevelopmentGoal(person=p, skill=world.skills[i % len(world.skills)], target_level=3, priority=1)
        for i, p in enumerate(people)
    )
    run = MatchRun.objects.create(
        cycle=cycle, settings={}, status=MatchRun.Status.DONE, mentee_count=n,
        unmatched=[{"mentee_id": p.pk, "reason": "capacity", "detail": "", "taken": []} for p in people[n // 2:]],
    )
    MatchProposal.objects.bulk_create(
        MatchProposal(run=run, mentor=mentors[i % len(mentors)], mentee=p, score=10.0,
                      explanation={"goals": [{"mentor_level": i % 2 * 3}]})
        for i, p in enumerate(people[: n // 2])
    )
    return run


def test_audit_queries_do_not_grow_with_the_number_of_mentees(db):
    counts = {}
    for n in (20, 500):
        world = build_world(mentors=3, mentees=0, capacity=200, mentee_choice=True)
        run = _bulk_run(world, n)
        run = MatchRun.objects.select_related("cycle").get(pk=run.pk)
        with CaptureQueriesContext(connection) as queries:
            audit = run_audit(run)
        assert audit.mentees == n and audit.matched == n // 2
        counts[n] = len(queries)
    assert counts[20] == counts[500] <= 9, counts
