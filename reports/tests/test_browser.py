"""Browser journeys: HR filters the retention report and downloads it; the dashboard passes axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from programs.models import HelpRequest
from programs.tests.factories import CycleFactory, EnrollmentFactory, EventFactory, MeetingFactory, MentorshipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_filters_retention_and_the_xlsx_has_the_same_figures(
    browser_page, login_in_browser, assert_accessible, hr_user, retention_world, tmp_path
):
    page = browser_page
    login_in_browser(page, hr_user.email)
    page.goto("/reports/retention/")
    page.get_by_label("Program").select_option(label="Leadership")
    page.get_by_label("Department").select_option(label="Finance")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert "department=" in page.url
    assert_accessible(page)

    shown = page.eval_on_selector_all(
        "#retention-table tbody tr",
        """rows => rows.map(r => {
            const cells = r.querySelectorAll('th, td');
            return [cells[1].innerText.trim(), cells[2].innerText.trim(), cells[3].innerText.trim(),
                    cells[4].innerText.trim(), cells[5].innerText.trim(), cells[6].innerText.trim()];
        })""",
    )
    assert shown, "the filtered table has rows"

    with page.expect_download() as info:
        page.get_by_role("link", name="Download XLSX").first.click()
    path = tmp_path / "retention.xlsx"
    info.value.save_as(path)
    sheet = load_workbook(path).active
    rows = [tuple(c.value for c in r) for r in sheet.iter_rows(min_row=2)]
    from_file = []
    for r in rows:
        group, department, people, pcts = r[3], r[4], r[5], r[9:12]
        from_file.append((group, department, people, pcts))

    def parse(row):
        group, department, people, *figures = row
        count = int(re.match(r"\d+", people).group())
        pcts = tuple(None if f == "not yet" else int(f.split("%")[0]) for f in figures)
        return (group, department, count, pcts)

    assert [parse(r) for r in shown] == from_file
    assert all(d in ("All departments", "Finance") for _, d, _, _ in from_file)


def test_dashboard_has_no_serious_accessibility_violations(browser_page, login_in_browser, assert_accessible, coordinator):
    cycle = CycleFactory(starts_on=timezone.localdate() - timedelta(days=50))
    cycle.program.coordinators.add(coordinator)
    for _ in range(3):
        EnrollmentFactory(cycle=cycle)
    pairs = [MentorshipFactory(cycle=cycle, started_on=cycle.starts_on) for _ in range(3)]
    MeetingFactory(mentorship=pairs[0])
    HelpRequest.objects.create(mentorship=pairs[1], requested_by=pairs[1].mentee, kind=HelpRequest.Kind.REMATCH, message="x")
    EventFactory(cycle=cycle, program=cycle.program, starts_at=timezone.now() - timedelta(days=3))
    page = browser_page
    login_in_browser(page, coordinator.email)
    page.goto("/reports/dashboard/")
    page.wait_for_function("() => window.Chart && document.querySelector('#chart-funnel') && window.Chart.getChart('chart-funnel')")
    assert page.locator("h1").inner_text() == "Coordinator dashboard"
    assert_accessible(page)


def test_a_roster_being_read_shows_an_accessible_progress_bar_that_moves_then_the_preview(
    browser_page, login_in_browser, assert_accessible, hr_user
):
    from common.progress import progress_set
    from reports.models import RosterImport
    from reports.services.roster_jobs import PREVIEW_STEPS, roster_preview_build

    data = b"Employee ID,Name,E-mail,Department\nE1,Grace Okafor,grace@example.gov,Finance\n"
    imported = RosterImport.objects.create(
        uploaded_by=hr_user, filename="roster.csv", sha256="-", status=RosterImport.Status.READING, upload=data
    )
    progress_set(imported.progress_key, step=PREVIEW_STEPS[0], done=1000, total=4000)  # a worker's report
    page = browser_page
    login_in_browser(page, hr_user.email)
    page.goto(f"/reports/roster/{imported.pk}/")
    bar = page.get_by_role("progressbar")
    assert bar.get_attribute("aria-valuenow") == "25"
    assert "1000 of 4000 rows (25%)" in page.locator("#job-progress").inner_text()
    assert page.get_by_role("link", name="Refresh").is_visible()
    assert_accessible(page)

    progress_set(imported.progress_key, step=PREVIEW_STEPS[1], done=3000, total=4000)
    page.wait_for_function("() => document.querySelector('[data-job-bar]').value === 75", timeout=15000)  # the poll
    assert bar.get_attribute("aria-valuenow") == "75" and "comparing it with the app" in page.locator("#job-progress").inner_text()

    roster_preview_build(roster_import_id=imported.pk)  # the worker finishes: the page reloads itself
    page.wait_for_selector("#roster-counts", timeout=15000)
    assert page.get_by_role("progressbar").count() == 0
    assert "will be created: Finance" in page.content()
