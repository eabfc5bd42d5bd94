"""Progress of background jobs: figures a page can trust, reported in batches, never failing the job."""

from __future__ import annotations

import pytest

from common import progress
from common.progress import Progress, Ticker, progress_clear, progress_get, progress_set


def test_percent_stays_between_0_and_100_and_is_0_without_a_total():
    assert Progress("x", 0, 0).percent == 0
    assert Progress("x", 1, 3).percent == 33
    assert Progress("x", 7, 5).percent == 100  # an estimate that was too low never shows 140%
    assert Progress("x", 5, 5).as_json() == {"step": "x", "done": 5, "total": 5, "percent": 100}


def test_set_get_clear():
    progress_set("job:1", step="Reading", done=10, total=40)
    assert progress_get("job:1") == Progress("Reading", 10, 40)
    progress_clear("job:1")
    assert progress_get("job:1") is None


def test_a_ticker_reports_every_batch_not_every_row(monkeypatch):
    calls = []
    monkeypatch.setattr(progress, "progress_set", lambda key, **kw: calls.append(kw["done"]))
    ticker = Ticker("job:2", step="Rows", total=12_000, every=5_000)
    for _ in range(12_000):
        ticker.add()
    ticker.finish()
    assert calls == [0, 5_000, 10_000, 12_000]


def test_a_broken_cache_never_fails_the_job(monkeypatch):
    class Broken:
        def set(self, *a, **k):
            raise ConnectionError("cache down")

        get = delete = set

    monkeypatch.setattr(progress, "cache", Broken())
    progress_set("job:3", step="x", done=1, total=2)
    assert progress_get("job:3") is None
    progress_clear("job:3")


@pytest.mark.django_db
def test_reading_a_roster_reports_a_handful_of_times_for_thousands_of_rows(monkeypatch):
    from reports.models import RosterImport
    from reports.services.roster_jobs import roster_preview_build

    reports = []
    real = progress.progress_set

    def counting(key, **kw):
        reports.append(kw.get("step"))
        real(key, **kw)

    monkeypatch.setattr(progress, "progress_set", counting)
    monkeypatch.setattr("reports.services.roster_jobs.progress_set", counting)
    lines = ["Employee ID,Name,E-mail,Department"] + [
        f"E{i},Person {i},p{i}@example.gov,Finance" for i in range(12_000)
    ]
    imported = RosterImport.objects.create(
        filename="r.csv", sha256="-", status=RosterImport.Status.READING, upload="\n".join(lines).encode()
    )
    roster_preview_build(roster_import_id=imported.pk)
    imported.refresh_from_db()
    assert imported.status == RosterImport.Status.PREVIEWED and imported.preview["counts"]["new"] == 12_000
    assert 4 <= len(reports) <= 15, reports  # a few per step, not one per row
    assert progress_get(imported.progress_key) is None  # cleared once the result is on the row
