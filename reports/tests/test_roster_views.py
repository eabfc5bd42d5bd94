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
    assert "is discarded, so it cannot be applied" in response.content.decode() and Person.objects.count() == 0


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
