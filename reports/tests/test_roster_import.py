"""Roster import: parsing, preview, apply, idempotence, and errors that change nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from audit.models import AuditEntry
from profiles.models import Department, Person
from profiles.tests.factories import CoordinatorFactory, DepartmentFactory, PersonFactory
from programs.models import Mentorship
from programs.tests.factories import MentorshipFactory
from reports.models import RosterImport
from reports.roster_file import RosterFileError, read_roster
from reports.services.roster import roster_apply, roster_preview_create

pytestmark = pytest.mark.django_db

HEADER = "Employee ID,Name,E-mail,Department,Title,Supervisor ID,Hire Date,Retirement Eligibility Date,Separation Date,Separation Reason\n"


def roster(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


def preview(data: bytes, name: str = "roster.csv") -> RosterImport:
    return roster_preview_create(parsed=read_roster(data, name), by=None)


def snapshot() -> list[tuple]:
    return list(
        Person.objects.order_by("pk").values_list(
            "employee_id", "first_name", "last_name", "email", "department__name", "title", "supervisor__employee_id",
            "hire_date", "retirement_eligible_on", "separated_on", "separation_reason", "updated_at",
        )
    )  # fmt: skip


GOOD = roster(
    "E1,\"Okafor, Grace\",grace@example.gov,Finance,Director,,2001-04-02,2027-01-01,,",
    "E2,Tom Reyes,tom@example.gov,Finance,Analyst,E1,3/15/2019,,,",
)


def test_preview_counts_new_rows_and_new_departments_without_writing_people():
    imported = preview(GOOD)
    assert imported.preview["counts"] == {"new": 2, "changed": 0, "unchanged": 0, "error": 0}
    assert imported.preview["new_departments"] == ["Finance"]
    assert Person.objects.count() == 0 and Department.objects.count() == 0


def test_apply_creates_people_departments_and_supervisors_with_us_and_iso_dates():
    result = roster_apply(roster_import=preview(GOOD), by=None)
    assert result["new"] == 2 and result["departments_created"] == 1
    grace, tom = Person.objects.get(employee_id="E1"), Person.objects.get(employee_id="E2")
    assert (grace.first_name, grace.last_name, grace.retirement_eligible_on) == ("Grace", "Okafor", date(2027, 1, 1))
    assert tom.supervisor == grace and tom.hire_date == date(2019, 3, 15) and tom.department.name == "Finance"
    assert AuditEntry.objects.filter(action="roster.import").count() == 1


def test_reimporting_the_same_file_changes_nothing():
    roster_apply(roster_import=preview(GOOD), by=None)
    before = snapshot()
    again = preview(GOOD)
    assert again.preview["counts"] == {"new": 0, "changed": 0, "unchanged": 2, "error": 0}
    result = roster_apply(roster_import=again, by=None)
    assert result["changed"] == 0 and result["new"] == 0
    assert snapshot() == before


def test_changed_rows_show_old_and_new_values_and_only_they_are_written():
    roster_apply(roster_import=preview(GOOD), by=None)
    untouched = Person.objects.get(employee_id="E1").updated_at
    changed = preview(
        roster(
            "E1,\"Okafor, Grace\",grace@example.gov,Finance,Director,,2001-04-02,2027-01-01,,",
            "E2,Tom Reyes,tom@example.gov,Budget Office,Senior Analyst,E1,2019-03-15,,,",
        )
    )
    assert changed.preview["counts"]["changed"] == 1
    [row] = changed.preview["rows"]["changed"]
    assert ["title", "Analyst", "Senior Analyst"] in row["changes"]
    roster_apply(roster_import=changed, by=None)
    tom = Person.objects.get(employee_id="E2")
    assert tom.title == "Senior Analyst" and tom.department.name == "Budget Office"
    assert Person.objects.get(employee_id="E1").updated_at == untouched


def test_a_file_with_errors_changes_nothing_and_says_why_per_row():
    DepartmentFactory(name="Finance", code="FIN")
    bad = preview(
        roster(
            "E1,Grace Okafor,grace@example.gov,FIN,Director,,2001-04-02,,,",
            "E2,Tom Reyes,not-an-email,FIN,Analyst,E1,2019-03-15,,,",
            "E3,Ann Lee,ann@example.gov,FIN,Analyst,E99,31/12/2019,,,",
            "E1,Grace Again,grace2@example.gov,FIN,Director,,,,,",
        )
    )
    errors = {row["line"]: " ".join(row["errors"]) for row in bad.preview["rows"]["error"]}
    assert "not a valid e-mail" in errors[3]
    assert "E99" in errors[4] and "is not a date" in errors[4]
    assert "appears again on line 5" in errors[2] and "appears again on line 2" in errors[5]
    with pytest.raises(ValidationError):
        roster_apply(roster_import=bad, by=None)
    assert Person.objects.count() == 0
    assert RosterImport.objects.get(pk=bad.pk).status == RosterImport.Status.PREVIEWED


def test_valid_rows_only_applies_the_rest_and_skips_rows_whose_supervisor_was_rejected():
    imported = preview(
        roster(
            "E1,Grace Okafor,grace@example.gov,Finance,Director,,,,,",
            "E2,Tom Reyes,bad-address,Finance,Analyst,E1,,,,",
            "E3,Ann Lee,ann@example.gov,Finance,Analyst,E2,,,,",
        )
    )
    assert imported.preview["counts"]["error"] == 2  # E3's supervisor is only on a rejected row
    result = roster_apply(roster_import=imported, by=None, valid_rows_only=True)
    assert result == {**result, "new": 1, "skipped": 2}
    assert list(Person.objects.values_list("employee_id", flat=True)) == ["E1"]


def test_an_import_cannot_be_applied_twice():
    imported = preview(GOOD)
    roster_apply(roster_import=imported, by=None)
    with pytest.raises(ValidationError):
        roster_apply(roster_import=imported, by=None)


def test_email_of_another_employee_is_an_error():
    PersonFactory(employee_id="X9", email="grace@example.gov")
    imported = preview(roster("E1,Grace Okafor,grace@example.gov,Finance,Director,,,,,"))
    assert "belongs to employee X9" in imported.preview["rows"]["error"][0]["errors"][0]


def test_existing_person_without_employee_id_is_matched_by_email():
    person = PersonFactory(employee_id=None, email="grace@example.gov", first_name="Grace", last_name="Okafor")
    roster_apply(roster_import=preview(roster("E1,Grace Okafor,grace@example.gov,Finance,,,,,,")), by=None)
    person.refresh_from_db()
    assert person.employee_id == "E1" and Person.objects.count() == 1


def test_separation_ends_active_pairs_with_a_reason_and_tells_the_coordinator(mailoutbox, django_capture_on_commit_callbacks):
    pair = MentorshipFactory(mentee__employee_id="E2", mentee__email="tom@example.gov")
    coordinator = CoordinatorFactory(email="coord@example.gov")
    pair.cycle.program.coordinators.add(coordinator)
    dept = pair.mentee.department.name
    data = roster(f"E2,Tom Reyes,tom@example.gov,{dept},Analyst,,,,2026-01-31,Resigned")
    imported = preview(data)
    assert imported.preview["separations"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        result = roster_apply(roster_import=imported, by=coordinator)
    pair.refresh_from_db()
    assert result["pairs_ended"] == 1
    assert pair.status == Mentorship.Status.ENDED and "Resigned" in pair.end_reason
    assert [m.to for m in mailoutbox] == [["coord@example.gov"]]
    assert "Tom Reyes" in mailoutbox[0].body


def test_missing_columns_are_listed():
    with pytest.raises(RosterFileError, match="employee id.*e-mail"):
        read_roster(b"Name,Department\nAnn,Finance\n", "r.csv")


def test_cp1252_file_is_read_with_a_note_and_bom_is_accepted():
    cp = ("Employee ID,Name,E-mail,Department\nE1,José Núñez,jose@example.gov,Finance\n").encode("cp1252")
    parsed = read_roster(cp, "r.csv")
    assert parsed.rows[0]["first_name"] == "José" and parsed.encoding == "cp1252" and parsed.notes
    bom = "\ufeffEmployee ID,Name,E-mail,Department\nE1,José Núñez,jose@example.gov,Finance\n".encode()
    parsed = read_roster(bom, "r.csv")
    assert parsed.rows[0]["last_name"] == "Núñez" and not parsed.notes


def test_too_large_and_wrong_type_files_are_refused():
    with pytest.raises(RosterFileError, match="larger than 10 MB"):
        read_roster(b"x" * (10 * 1024 * 1024 + 1), "r.csv")
    with pytest.raises(RosterFileError, match=".csv or .xlsx"):
        read_roster(b"hello", "r.pdf")


def test_xlsx_roster_with_real_date_cells_and_numeric_ids():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Employee ID", "First name", "Last name", "Email", "Department", "Hire date"])
    sheet.append([1001, "Grace", "Okafor", "grace@example.gov", "Finance", date(2001, 4, 2)])
    stream = io.BytesIO()
    workbook.save(stream)
    imported = preview(stream.getvalue(), "roster.xlsx")
    roster_apply(roster_import=imported, by=None)
    person = Person.objects.get()
    assert person.employee_id == "1001" and person.hire_date == date(2001, 4, 2)


def test_columns_missing_from_the_file_are_left_as_they_are():
    PersonFactory(employee_id="E1", email="grace@example.gov", first_name="Grace", last_name="Okafor", title="Director")
    dept = Person.objects.get().department.name
    imported = preview(f"Employee ID,Name,E-mail,Department\nE1,Grace Okafor,grace@example.gov,{dept}\n".encode())
    assert imported.preview["counts"]["unchanged"] == 1


def test_management_command_previews_then_applies(tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(GOOD)
    call_command("import_roster", str(path))
    assert Person.objects.count() == 0
    call_command("import_roster", str(path), "--apply")
    assert Person.objects.count() == 2
    out = capsys.readouterr().out
    assert "new=2" in out and "applied:" in out
    path.write_bytes(roster("E5,Bad Row,nope,Finance,,,,,,"))
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_roster", str(path), "--apply")


def test_supervisors_later_in_the_file_and_loops_are_resolved():
    imported = preview(
        roster(
            "E3,Ann Lee,ann@example.gov,Finance,Analyst,E2,,,,",  # her supervisor comes later
            "E2,Tom Reyes,tom@example.gov,Finance,Manager,E1,,,,",
            "E1,Grace Okafor,grace@example.gov,Finance,Director,,,,,",
            "E8,Loop One,l1@example.gov,Finance,,E9,,,,",  # bad data, but not an error: a loop
            "E9,Loop Two,l2@example.gov,Finance,,E8,,,,",
        )
    )
    roster_apply(roster_import=imported, by=None)
    chain = dict(Person.objects.values_list("employee_id", "supervisor__employee_id"))
    assert chain == {"E1": None, "E2": "E1", "E3": "E2", "E8": "E9", "E9": "E8"}


def test_a_changed_supervisor_and_a_cleared_date_are_written():
    roster_apply(roster_import=preview(GOOD), by=None)
    PersonFactory(employee_id="E7", email="boss@example.gov")
    changed = preview(
        roster(
            "E1,\"Okafor, Grace\",grace@example.gov,Finance,Director,,2001-04-02,,,",
            "E2,Tom Reyes,tom@example.gov,Finance,Analyst,E7,3/15/2019,,,",
        )
    )
    assert changed.preview["counts"] == {"new": 0, "changed": 2, "unchanged": 0, "error": 0}
    roster_apply(roster_import=changed, by=None)
    assert Person.objects.get(employee_id="E1").retirement_eligible_on is None
    assert Person.objects.get(employee_id="E2").supervisor.employee_id == "E7"


def test_email_is_matched_whatever_its_case():
    person = PersonFactory(employee_id=None, email="Grace.Okafor@Example.gov", first_name="Grace", last_name="Okafor")
    roster_apply(roster_import=preview(roster("E1,Grace Okafor,grace.okafor@example.gov,Finance,,,,,,")), by=None)
    person.refresh_from_db()
    assert Person.objects.count() == 1 and person.employee_id == "E1" and person.email == "grace.okafor@example.gov"


def test_values_copy_would_misread_are_stored_as_they_were_written():
    # COPY's text format gives \, \N, tabs and line ends a meaning: each must arrive as typed.
    data = roster(
        'E1,"O\\Brien, Pat",pat@example.gov,R&D \\N,"Lead\\tEngineer \\\\ ops",,,,,',
        'E2,"Null, \\N",null@example.gov,Finance,NULL,E1,,,,',
    )
    roster_apply(roster_import=preview(data), by=None)
    pat, other = Person.objects.order_by("employee_id")
    assert (pat.first_name, pat.last_name, pat.department.name, pat.title) == ("Pat", "O\\Brien", "R&D \\N", "Lead\\tEngineer \\\\ ops")
    assert (other.first_name, other.last_name, other.title, other.supervisor_id) == ("\\N", "Null", "NULL", pat.pk)
    assert pat.time_zone == "America/New_York" and pat.prefers_in_person is True and pat.created_at and pat.updated_at
