"""Report pages and exports as each role would use them: access, filters, files, audit."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from profiles.tests.factories import PersonSkillFactory, SkillFactory
from reports.models import ExportFile
from reports.tests.conftest import TODAY

pytestmark = pytest.mark.django_db

PAGES = ["reports:index", "reports:retention", "reports:outcomes", "reports:knowledge", "reports:roster-upload", "audit:log"]
HR_ONLY = {"reports:knowledge", "reports:roster-upload"}


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setattr("reports.views.timezone.localdate", lambda *a, **k: TODAY)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_by_role(client, name, hr_user, coordinator, participant, other_user):
    url = reverse(name)
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user in (participant, other_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(hr_user)
    assert client.get(url).status_code == 200
    client.force_login(coordinator)
    assert client.get(url).status_code == (403 if name in HR_ONLY else 200)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_retention_csv_and_xlsx_carry_the_same_figures_and_are_audited(client, hr_user, retention_world):
    client.force_login(hr_user)
    params = {"program": retention_world.program.pk, "department": retention_world.finance.pk}
    page = client.get(reverse("reports:retention"), params)
    assert page.status_code == 200 and "67%" in page.content.decode()
    as_csv = csv_rows(client.get(reverse("reports:export", args=["retention", "csv"]), params))
    as_xlsx = xlsx_rows(client.get(reverse("reports:export", args=["retention", "xlsx"]), params))
    assert as_csv[0] == list(as_xlsx[0])
    mentees = next(r for r in as_xlsx if r[3] == "Mentees" and r[4] == "All departments")
    assert mentees[5:] == (2, 1, 1, None, 50, 50, None, "yes")
    assert [c for c in as_csv if c[3] == "Mentees" and c[4] == "All departments"][0][5:] == ["2", "1", "1", "", "50", "50", "", "yes"]
    entries = AuditEntry.objects.filter(action="report.export").order_by("id")
    assert [(e.actor, e.data["report"], e.data["format"]) for e in entries] == [
        (hr_user, "retention", "csv"),
        (hr_user, "retention", "xlsx"),
    ]
    assert entries[0].data["filters"] == {"program_id": retention_world.program.pk, "department_id": retention_world.finance.pk}


def test_cells_that_could_run_as_formulas_are_neutralised(client, hr_user, retention_world):
    retention_world.finance.name = "=HYPERLINK(\"http://evil\")"
    retention_world.finance.save()
    skill = SkillFactory(name="@SUM(A1)")
    person = retention_world.people.m1
    person.first_name, person.retirement_eligible_on = "+cmd", TODAY
    person.save()
    PersonSkillFactory(person=person, skill=skill, level=4)
    client.force_login(hr_user)
    params = {"program": retention_world.program.pk}
    text = "\n".join(",".join(r) for r in csv_rows(client.get(reverse("reports:export", args=["retention", "csv"]), params)))
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    rows = xlsx_rows(client.get(reverse("reports:export", args=["knowledge", "xlsx"])))
    assert rows[1][0] == "'@SUM(A1)" and rows[1][3].startswith("'+cmd")


def test_hr_only_exports_are_refused_to_coordinators(client, coordinator, retention_world):
    client.force_login(coordinator)
    for report in ("knowledge", "retention-people"):
        assert client.get(reverse("reports:export", args=[report, "csv"])).status_code == 403
    assert not AuditEntry.objects.filter(action="report.export").exists()


def test_coordinators_report_only_on_their_programs(client, coordinator, retention_world):
    client.force_login(coordinator)
    other = retention_world.other_program
    response = client.get(reverse("reports:retention"), {"program": other.pk})
    assert response.status_code == 200 and response.context["rows"] is None  # not a valid choice for them
    rows = client.get(reverse("reports:retention")).context["rows"]
    assert {r.cycle.program for r in rows} == {retention_world.program}


def test_invalid_filters_are_shown_on_the_form_and_exporting_them_is_refused(client, hr_user, retention_world):
    client.force_login(hr_user)
    params = {"date_from": "2024-05-01", "date_to": "2024-01-01"}
    page = client.get(reverse("reports:retention"), params)
    assert "The end date is before the start date." in page.content.decode()
    response = client.get(reverse("reports:export", args=["retention", "xlsx"]), params)
    assert response.status_code == 302 and not AuditEntry.objects.exists()


def test_unknown_report_or_format_is_404(client, hr_user):
    client.force_login(hr_user)
    assert client.get(reverse("reports:export", args=["salaries", "csv"])).status_code == 404
    assert client.get(reverse("reports:export", args=["retention", "pdf"])).status_code == 404


def test_large_xlsx_is_built_by_a_task_and_mailed_as_a_login_protected_link(
    client, hr_user, coordinator, retention_world, settings, tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    settings.REPORTS_ASYNC_EXPORT_ROWS = 3
    settings.MEDIA_ROOT = tmp_path
    client.force_login(hr_user)
    params = {"program": retention_world.program.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reports:export", args=["retention-people", "xlsx"]), params)
    assert response.status_code == 302
    export_file = ExportFile.objects.get()
    assert response.url == export_file.get_status_url()
    assert export_file.status == ExportFile.Status.READY and export_file.row_count == 9  # 3 mentees, 2 mentors, 4 others
    page = client.get(response.url).content.decode()
    assert "The file is ready: 9 rows" in page and f'href="{export_file.get_absolute_url()}"' in page
    assert "<progress" not in page and f"?program={retention_world.program.pk}" in page  # back to the same view
    assert Path(tmp_path, export_file.path).is_file() and export_file.path.startswith("exports/")
    [message] = mailoutbox
    assert message.to == ["hr@example.gov"] and export_file.get_absolute_url() in message.body
    assert AuditEntry.objects.get(action="report.export").data["delivery"] == "email"

    download = client.get(export_file.get_absolute_url())
    assert download.status_code == 200
    rows = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.max_row
    assert rows == 10
    client.force_login(coordinator)  # someone else, even a coordinator: the link is not theirs
    assert client.get(export_file.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(export_file.get_absolute_url()).status_code == 302


def test_csv_streams_directly_however_large(client, hr_user, retention_world, settings):
    settings.REPORTS_ASYNC_EXPORT_ROWS = 3
    client.force_login(hr_user)
    response = client.get(reverse("reports:export", args=["retention-people", "csv"]), {"program": retention_world.program.pk})
    assert response.streaming and len(csv_rows(response)) == 10
    assert not ExportFile.objects.exists()


def test_outcomes_page_says_no_survey_data_yet(client, coordinator, retention_world):
    client.force_login(coordinator)
    body = client.get(reverse("reports:outcomes"), {"program": retention_world.program.pk}).content.decode()
    assert "No survey data yet" in body


def test_hr_pages_never_show_meeting_notes(client, hr_user, retention_world):
    from programs.tests.factories import MeetingFactory

    MeetingFactory(mentorship=retention_world.cycle.mentorships.first(), private_notes="SECRET-NOTE")
    client.force_login(hr_user)
    for name in ("reports:retention", "reports:outcomes", "reports:knowledge"):
        assert "SECRET-NOTE" not in client.get(reverse(name)).content.decode()
    text = b"".join(client.get(reverse("reports:export", args=["retention-people", "csv"])).streaming_content)
    assert b"SECRET-NOTE" not in text


def test_mailed_exports_expire_and_the_purge_deletes_them(client, hr_user, retention_world, settings, tmp_path, mailoutbox, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from reports.tasks import purge_export_files

    settings.REPORTS_ASYNC_EXPORT_ROWS = 3
    settings.MEDIA_ROOT = tmp_path
    client.force_login(hr_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("reports:export", args=["retention-people", "xlsx"]), {"program": retention_world.program.pk})
    export_file = ExportFile.objects.get()
    assert "downloaded for 7 days" in mailoutbox[0].body
    ExportFile.objects.filter(pk=export_file.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert client.get(export_file.get_absolute_url()).status_code == 404
    assert purge_export_files() == 1
    assert not ExportFile.objects.exists() and not (tmp_path / "exports" / export_file.token).exists()


def test_report_pages_query_count_does_not_grow_with_people(client, hr_user, retention_world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from profiles.tests.factories import PersonFactory
    from programs.tests.factories import MentorshipFactory

    client.force_login(hr_user)
    params = {"program": retention_world.program.pk}
    names = ("reports:retention", "reports:outcomes", "reports:knowledge")
    client.get(reverse("reports:index"))  # the first request of a session does its own bookkeeping
    before = {}
    for name in names:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name), params if name != "reports:knowledge" else {}).status_code == 200
        before[name] = len(queries)
    for _ in range(15):
        MentorshipFactory(cycle=retention_world.cycle, mentee__department=retention_world.finance, mentee__user=None)
    PersonFactory.create_batch(20, department=retention_world.finance, user=None)
    for name in names:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(name), params if name != "reports:knowledge" else {})
        assert len(queries) == before[name], name


def test_a_large_export_shows_its_progress_then_the_link_and_only_to_its_requester(
    client, hr_user, retention_world, settings, tmp_path
):
    from django.test import TestCase

    from common.progress import progress_set
    from profiles.tests.factories import HRAnalystFactory

    settings.REPORTS_ASYNC_EXPORT_ROWS = 3
    settings.MEDIA_ROOT = tmp_path
    client.force_login(hr_user)
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = client.get(reverse("reports:export", args=["retention-people", "xlsx"]), {"program": retention_world.program.pk})
    export_file = ExportFile.objects.get()
    status_json = reverse("reports:export-status-json", args=[export_file.token])
    page = client.get(response.url).content.decode()
    assert "Preparing the file" in page and "<progress" in page and 'aria-valuenow="0"' in page
    assert f'href="{export_file.get_status_url()}">Refresh</a>' in page
    progress_set(export_file.progress_key, step="Step 2 of 2: writing the file", done=3, total=12)
    assert 'aria-valuenow="25"' in client.get(response.url).content.decode()
    assert client.get(status_json).json() == {
        "status": "pending", "finished": False, "unit": "rows",
        "progress": {"step": "Step 2 of 2: writing the file", "done": 3, "total": 12, "percent": 25},
    }  # fmt: skip

    other_hr = HRAnalystFactory(email="other-hr@example.gov")
    client.force_login(other_hr)  # another HR analyst: not their export, and not told it exists
    for url in (export_file.get_status_url(), status_json, reverse("reports:export-status", args=["made-up"])):
        assert client.get(url).status_code == 404

    client.force_login(hr_user)
    for callback in queued:
        callback()
    assert client.get(status_json).json()["finished"] is True
    assert "The file is ready" in client.get(export_file.get_status_url()).content.decode()


def test_a_failing_export_says_so_and_records_no_export(client, hr_user, retention_world, settings, tmp_path, monkeypatch, mailoutbox):
    from django.test import TestCase

    def broken(self, stream, **filters):
        raise ValueError("disk full")

    monkeypatch.setattr("common.exports.Export.write_xlsx", broken)
    settings.REPORTS_ASYNC_EXPORT_ROWS = 3
    settings.MEDIA_ROOT = tmp_path
    client.force_login(hr_user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.get(reverse("reports:export", args=["retention-people", "xlsx"]), {"program": retention_world.program.pk})
    export_file = ExportFile.objects.get()
    page = client.get(response.url).content.decode()
    assert export_file.status == ExportFile.Status.FAILED and "The export failed." in page and "(ValueError)" in page
    assert "disk full" not in page and "<progress" not in page
    assert not AuditEntry.objects.filter(action="report.export").exists() and not mailoutbox
    assert client.get(export_file.get_absolute_url()).status_code == 404
    assert not list(Path(tmp_path).rglob("*.xlsx"))
