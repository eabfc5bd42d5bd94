"""The roster import pages as HR uses them: upload, preview, apply, discard; nobody else may.

Reading and applying run as tasks (queued after commit); `upload` and `apply` here run the
queued tasks as a worker would, unless told not to.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from audit.models import AuditEntry
from profiles.models import Person
from reports.models import RosterImport

pytestmark = pytest.mark.django_db

GOOD = b"Employee ID,Name,E-mail,Department\nE1,Grace Okafor,grace@example.gov,Finance\nE2,Tom Reyes,tom@example.gov,Finance\n"
BAD = GOOD + b"E3,Ann Lee,not-an-address,Finance\n"


def run_tasks(*, execute: bool):
    """Capture what the request queues after commit; run it (as a worker would) when `execute`."""
    return TestCase.captureOnCommitCallbacks(execute=execute)


def upload(client, data: bytes, name: str = "roster.csv", *, run: bool = True):
    with run_tasks(execute=run):
        return client.post(reverse("reports:roster-upload"), {"file": SimpleUploadedFile(name, data, "text/csv")})


def apply(client, imported, data=None, *, run: bool = True, follow: bool = True):
    with run_tasks(execute=run):
        response = client.post(reverse("reports:roster-apply", args=[imported.pk]), data or {})
    # The page is read after the worker's turn, as the person would on their next look.
    return client.get(response.url) if follow and response.status_code == 302 else response


def test_hr_uploads_previews_and_applies(client, hr_user):
    client.force_login(hr_user)
    response = upload(client, GOOD)
    imported = RosterImport.objects.get()
    assert response.status_code == 302 and response.url == imported.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "will be created: Finance" in page and Person.objects.count() == 0
    response = apply(client, imported)
    assert "Roster applied" in response.content.decode() and "2 new" in response.content.decode()
    assert Person.objects.count() == 2
    assert AuditEntry.objects.get(action="roster.import").actor == hr_user


def test_errors_are_listed_and_applying_changes_nothing_unless_valid_rows_only_is_chosen(client, hr_user):
    client.force_login(hr_user)
    upload(client, BAD)
    imported = RosterImport.objects.get()
    page = client.get(imported.get_absolute_url()).content.decode()
    assert "not a valid e-mail address" in page and "Apply only the valid rows" in page
    response = apply(client, imported)
    assert "nothing was changed" in response.content.decode() and Person.objects.count() == 0
    apply(client, imported, {"valid_rows_only": "on"})
    assert sorted(Person.objects.values_list("employee_id", flat=True)) == ["E1", "E2"]


def test_same_file_again_reports_nothing_to_change(client, hr_user):
    client.force_login(hr_user)
    upload(client, GOOD)
    apply(client, RosterImport.objects.get())
    upload(client, GOOD)
    again = RosterImport.objects.first()
    assert "Nothing would change" in client.get(again.get_absolute_url()).content.decode()


def test_unreadable_file_keeps_the_form_with_a_clear_message(client, hr_user):
    client.force_login(hr_user)
    response = upload(client, b"Name,Department\nAnn,Finance\n")
    assert response.status_code == 200
    assert "missing these columns" in response.content.decode() and not RosterImport.objects.exists()
    response = upload(client, b"%PDF-1.4", "roster.pdf")
    assert "Upload a .csv or .xlsx file." in response.content.decode()


def test_discard_then_apply_is_refused(client, hr_user):
    client.force_login(hr_user)
    upload(client, GOOD)
    imported = RosterImport.objects.get()
    client.post(reverse("reports:roster-discard", args=[imported.pk]))
    response = apply(client, imported)
    assert "already discarded" in response.content.decode() and Person.objects.count() == 0


def test_only_hr_may_see_or_apply_an_import(client, hr_user, coordinator, participant):
    client.force_login(hr_user)
    upload(client, GOOD)
    imported = RosterImport.objects.get()
    for user in (coordinator, participant):
        client.force_login(user)
        assert client.get(imported.get_absolute_url()).status_code == 403
        assert client.post(reverse("reports:roster-apply", args=[imported.pk])).status_code == 403
    client.logout()
    assert client.get(imported.get_absolute_url()).status_code == 302
    assert not Person.objects.filter(employee_id__in=["E1", "E2"]).exists()
    client.force_login(hr_user)
    assert client.get(reverse("reports:roster-preview", args=[imported.pk + 99])).status_code == 404
    assert client.get(reverse("reports:roster-apply", args=[imported.pk])).status_code == 405


def test_a_large_file_is_applied_by_a_worker_who_mails_the_result(client, hr_user, settings, mailoutbox):
    settings.ROSTER_ASYNC_ROWS = 1
    client.force_login(hr_user)
    upload(client, GOOD)
    imported = RosterImport.objects.get()
    response = apply(client, imported)
    assert response.status_code == 200
    imported.refresh_from_db()
    assert imported.status == RosterImport.Status.APPLIED and Person.objects.filter(employee_id="E1").exists()
    [message] = mailoutbox
    assert message.to == ["hr@example.gov"] and "2 new" in message.body
    assert "Applied" in client.get(imported.get_absolute_url()).content.decode()


def test_a_large_file_with_errors_is_refused_at_once_and_never_queued(client, hr_user, settings, mailoutbox):
    settings.ROSTER_ASYNC_ROWS = 1
    client.force_login(hr_user)
    upload(client, BAD)
    imported = RosterImport.objects.get()
    response = apply(client, imported)
    assert "nothing was changed" in response.content.decode()
    imported.refresh_from_db()
    assert imported.apply_requested_at is None and not mailoutbox


# --- Background reading and applying: progress, then the result ------------------------------
def status(client, imported) -> dict:
    response = client.get(reverse("reports:roster-status", args=[imported.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def test_the_page_shows_progress_while_a_worker_reads_the_file_then_the_preview(client, hr_user):
    from common.progress import progress_set

    client.force_login(hr_user)
    with run_tasks(execute=False) as queued:
        response = upload(client, GOOD, run=False)
    imported = RosterImport.objects.get()
    assert response.url == imported.get_absolute_url() and imported.status == RosterImport.Status.READING
    assert imported.upload is not None and Person.objects.count() == 0
    page = client.get(imported.get_absolute_url()).content.decode()
    # Accessible without JavaScript: a real <progress> with its value in words, and a Refresh link.
    assert "<progress" in page and 'aria-valuenow="0"' in page and "Waiting for a worker to start" in page
    assert f'href="{imported.get_absolute_url()}">Refresh</a>' in page and "js/job_progress.js" in page
    assert status(client, imported) == {"status": "reading", "finished": False, "progress": None, "unit": "rows"}

    progress_set(imported.progress_key, step="Step 1 of 3: reading the file", done=2000, total=5000)  # as a worker would
    page = client.get(imported.get_absolute_url()).content.decode()
    assert 'aria-valuenow="40"' in page and 'value="40"' in page and "2000 of 5000 rows (40%)" in page
    assert status(client, imported)["progress"] == {"step": "Step 1 of 3: reading the file", "done": 2000, "total": 5000, "percent": 40}

    for callback in queued:  # the worker runs
        callback()
    imported.refresh_from_db()
    assert imported.status == RosterImport.Status.PREVIEWED and imported.upload is None and len(imported.rows) == 2
    page = client.get(imported.get_absolute_url()).content.decode()
    assert "<progress" not in page and "will be created: Finance" in page and "Apply the changes" in page
    assert status(client, imported) == {"status": "previewed", "finished": True, "progress": None, "unit": "rows"}
    assert Person.objects.count() == 0


def test_applying_shows_progress_then_the_result(client, hr_user):
    from common.progress import progress_set

    client.force_login(hr_user)
    upload(client, GOOD)
    imported = RosterImport.objects.get()
    with run_tasks(execute=False) as queued:
        client.post(reverse("reports:roster-apply", args=[imported.pk]))
    progress_set(imported.progress_key, step="Step 2 of 4: adding new people", done=1, total=2)
    page = client.get(imported.get_absolute_url()).content.decode()
    assert "Applying the roster" in page and 'aria-valuenow="50"' in page and "Apply the changes" not in page
    assert status(client, imported)["finished"] is False
    assert client.post(reverse("reports:roster-apply", args=[imported.pk])).status_code == 302  # a second click queues nothing
    assert len(queued) == 1
    queued[0]()
    page = client.get(imported.get_absolute_url()).content.decode()
    assert "Roster applied" in page and "2 new" in page and "<progress" not in page
    assert status(client, imported)["finished"] is True and Person.objects.count() == 2


def test_a_file_that_fails_in_the_worker_says_why_and_changes_nothing(client, hr_user):
    client.force_login(hr_user)
    upload(client, b"Employee ID,Name,E-mail,Department\n,,,\n")  # column names but no rows
    imported = RosterImport.objects.get()
    assert imported.status == RosterImport.Status.FAILED and imported.upload is None
    page = client.get(imported.get_absolute_url()).content.decode()
    assert "could not be read, so nothing was changed" in page and "column names but no rows" in page
    assert "Upload a corrected file" in page and "Apply the changes" not in page
    assert status(client, imported)["finished"] is True
    assert "could not be read, so there is nothing to apply" in apply(client, imported).content.decode()
    assert Person.objects.count() == 0


def test_an_unexpected_error_while_reading_is_shown_not_hidden(client, hr_user, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("reports.services.roster_jobs.roster_plan", broken)
    client.force_login(hr_user)
    upload(client, GOOD)
    imported = RosterImport.objects.get()
    page = client.get(imported.get_absolute_url()).content.decode()
    assert imported.status == RosterImport.Status.FAILED and "Something went wrong on our side (RuntimeError)" in page
    assert "boom" not in page and Person.objects.count() == 0


def test_a_failing_apply_rolls_back_keeps_the_import_and_can_be_tried_again(client, hr_user, monkeypatch):
    client.force_login(hr_user)
    upload(client, GOOD)
    imported = RosterImport.objects.get()
    with monkeypatch.context() as m:
        # The last step of the transaction fails, after every person was written.
        m.setattr("reports.services.roster.audit_record", lambda **kw: 1 / 0)
        page = apply(client, imported).content.decode()
    imported.refresh_from_db()
    assert imported.status == RosterImport.Status.PREVIEWED and imported.apply_requested_at is None
    assert "The last attempt to apply changed nothing" in page and "(ZeroDivisionError)" in page
    assert Person.objects.count() == 0 and len(imported.rows) == 2  # nothing written, nothing lost
    page = apply(client, imported).content.decode()
    assert "Roster applied" in page and Person.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "roster.csv", "file is empty."),  # Django's own check: "The submitted file is empty."
        (b"   \n\n", "roster.csv", "The file is empty."),
        (b"%PDF-1.4 binary", "roster.pdf", "Upload a .csv or .xlsx file."),
        (b"PK\x03\x04 not really a zip", "roster.xlsx", "The spreadsheet could not be opened."),
        (b"Employee ID,Name\x00,E-mail,Department\n", "roster.csv", "does not look like a CSV text file"),
        (b"Name,Department\nAnn,Finance\n", "roster.csv", "missing these columns: employee id, e-mail"),
    ],
)
def test_bad_files_are_refused_at_once_with_a_clear_message(client, hr_user, data, name, message):
    client.force_login(hr_user)
    with run_tasks(execute=False) as queued:
        response = client.post(reverse("reports:roster-upload"), {"file": SimpleUploadedFile(name, data, "text/csv")})
    assert response.status_code == 200 and message in response.content.decode()
    assert not RosterImport.objects.exists() and not queued


def test_a_50001_row_file_with_one_broken_row_reports_it_by_line(client, hr_user):
    lines = ["Employee ID,Name,E-mail,Department"]
    lines += [f"E{i},Person {i},p{i}@example.gov,Finance" for i in range(50_001)]
    lines[30_001] = "E30000,Broken Row,not-an-address,Finance"  # file line 30,002
    client.force_login(hr_user)
    upload(client, ("\n".join(lines) + "\n").encode())
    imported = RosterImport.objects.get()
    assert imported.status == RosterImport.Status.PREVIEWED
    assert imported.preview["counts"] == {"new": 50_000, "changed": 0, "unchanged": 0, "error": 1}
    page = client.get(imported.get_absolute_url()).content.decode()
    assert '<th scope="row">30002</th>' in page and "“not-an-address” is not a valid e-mail address." in page
    assert "50001 rows in the file" in page


def _xlsx(rows) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_roster_is_checked_at_once_and_read_by_the_worker(client, hr_user):
    client.force_login(hr_user)
    response = upload(client, _xlsx([["Name", "Department"], ["Ann", "Finance"]]), "roster.xlsx")
    assert response.status_code == 200 and "missing these columns" in response.content.decode()
    assert not RosterImport.objects.exists()
    upload(client, _xlsx([["Employee ID", "Name", "E-mail", "Department"], [1001, "Ann Lee", "ann@example.gov", "Finance"]]), "roster.xlsx")
    imported = RosterImport.objects.get()
    assert imported.status == RosterImport.Status.PREVIEWED and imported.encoding == "xlsx"
    assert imported.rows[0]["employee_id"] == "1001" and imported.preview["counts"]["new"] == 1
