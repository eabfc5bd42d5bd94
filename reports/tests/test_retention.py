"""Retention figures checked against the hand-worked world of conftest.retention_world.

Cycle starts 2024-01-01, "today" is 2025-06-01: 6 months (2024-07-01) and 12 months
(2025-01-01) can be told, 24 months cannot yet.
Mentees A (Finance, kept), B (Finance, left 2024-03-01), C (IT, left 2024-09-01).
Mentors M1 (Finance, kept), M2 (IT, left on 2025-01-01, i.e. on the 12-month day: not kept).
Comparison: N1, N2 (left 2024-05-01), N6 in Finance and N4 in IT; N3 is the wrong tenure band,
N5 was hired after the start, N7 had left before it, N8 was a mentee in another program.
"""

from __future__ import annotations

import pytest

from programs.models import Program
from reports.selectors.retention import ALL_DEPARTMENTS, COMPARISON, MENTEES, MENTORS, retention_rows
from reports.selectors.scope import ReportFilters, add_months, percent
from reports.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def table(world, **filters):
    rows = retention_rows(
        filters=ReportFilters(program_id=world.program.pk, **filters), programs=Program.objects.all(), today=TODAY
    )
    return {(r.group, r.department): (r.people, r.figures, r.small) for r in rows}


def test_mentee_mentor_and_comparison_figures_match_the_hand_count(retention_world):
    t = table(retention_world)
    assert t[(MENTEES, ALL_DEPARTMENTS)] == (3, [(6, 2, 67), (12, 1, 33), (24, None, None)], True)
    assert t[(MENTEES, "Finance")] == (2, [(6, 1, 50), (12, 1, 50), (24, None, None)], True)
    assert t[(MENTEES, "IT")] == (1, [(6, 1, 100), (12, 0, 0), (24, None, None)], True)
    assert t[(MENTORS, ALL_DEPARTMENTS)] == (2, [(6, 2, 100), (12, 1, 50), (24, None, None)], True)
    assert t[(COMPARISON, ALL_DEPARTMENTS)] == (4, [(6, 3, 75), (12, 3, 75), (24, None, None)], True)
    assert t[(COMPARISON, "Finance")] == (3, [(6, 2, 67), (12, 2, 67), (24, None, None)], True)
    assert t[(COMPARISON, "IT")] == (1, [(6, 1, 100), (12, 1, 100), (24, None, None)], True)


def test_department_filter_narrows_members_and_the_comparison_strata(retention_world):
    t = table(retention_world, department_id=retention_world.finance.pk)
    assert t[(MENTEES, ALL_DEPARTMENTS)][0] == 2
    assert t[(MENTORS, ALL_DEPARTMENTS)][0] == 1
    assert t[(COMPARISON, ALL_DEPARTMENTS)][:2] == (3, [(6, 2, 67), (12, 2, 67), (24, None, None)])
    assert (MENTEES, "IT") not in t


def test_date_filter_leaves_out_cycles_starting_outside_the_range(retention_world):
    from datetime import date

    assert table(retention_world, date_from=date(2024, 2, 1)) == {}


def test_without_program_filter_each_cohort_has_its_own_comparison(retention_world):
    rows = retention_rows(filters=ReportFilters(), programs=Program.objects.all(), today=TODAY)
    other = {(r.group, r.department): r.people for r in rows if r.cycle.program == retention_world.other_program}
    # N8 (Finance, 2-5 years) is the mentee; N1 and N2 share the stratum; N6 is 5-10 years by then.
    assert other[(MENTEES, ALL_DEPARTMENTS)] == 1 and other[(COMPARISON, ALL_DEPARTMENTS)] == 2


def test_rounding_and_month_arithmetic():
    from datetime import date

    assert [percent(1, 8), percent(1, 3), percent(2, 3), percent(0, 0)] == [13, 33, 67, None]
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 1), 24) == date(2026, 1, 1)


def test_headlines_pool_the_all_departments_rows_at_12_months(retention_world):
    from reports.selectors.retention import retention_headlines

    rows = retention_rows(filters=ReportFilters(program_id=retention_world.program.pk), programs=Program.objects.all(), today=TODAY)
    by_group = {h.group: (h.employed, h.people, h.share) for h in retention_headlines(rows)}
    assert by_group == {MENTEES: (1, 3, 33), MENTORS: (1, 2, 50), COMPARISON: (3, 4, 75)}
    # Nobody can be measured at 24 months yet: the headline says so rather than 0%.
    assert all(h.share is None for h in retention_headlines(rows, months=24))


def test_the_chart_has_a_curve_per_cohort_and_group_and_leaves_out_small_groups(retention_world):
    from reports.selectors.retention import retention_chart
    from reports.selectors.scope import SMALL_GROUP

    rows = retention_rows(filters=ReportFilters(program_id=retention_world.program.pk), programs=Program.objects.all(), today=TODAY)
    assert retention_chart(rows)["series"] == []  # every group of the hand-worked world is small
    for row in rows:
        row.people = max(row.people, SMALL_GROUP)  # pretend they are large enough to chart
    chart = retention_chart(rows)
    assert chart["labels"] == ["Start", "6 months", "12 months", "24 months"]
    labels = [s["label"] for s in chart["series"]]
    assert labels == ["Spring 2024: mentees", "Spring 2024: comparison"]
    assert chart["series"][0]["values"][0] == 100 and chart["series"][0]["values"][3] is None
    assert chart["series"][1]["comparison"] is True


def test_the_page_leads_with_the_longest_span_measurable_and_draws_the_chart(client, retention_world, settings):
    from django.urls import reverse

    from profiles.tests.factories import HRAnalystFactory
    from reports.selectors.retention import headline_months

    rows = retention_rows(filters=ReportFilters(program_id=retention_world.program.pk), programs=Program.objects.all(), today=TODAY)
    assert headline_months(rows) == 12
    assert headline_months(rows, preferred=24) == 12  # 24 months cannot be told yet
    client.force_login(HRAnalystFactory())
    response = client.get(reverse("reports:retention"), {"program": retention_world.program.pk})
    assert response.status_code == 200
    assert "Still employed" in response.content.decode()
