"""Benchmark: importing a large HR roster and exporting a large report. Prints figures, asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship .venv/bin/python bench/reports.py \
        --roster-rows 50000 --export-rows 100000

Runs in a throwaway database (test_<name>, created and dropped here), never in the real one.
Each phase runs in a forked child process, as a Celery worker would run the task: `seconds` is
its wall time, `peak_mb` how far the child's resident memory rose above where it started
(Linux's VmHWM, reset at the start of the phase), so it counts C allocations too and costs no
tracing time.

Roster: the upload request's checks, the worker's preview (read + compare + store) and apply
(with progress reports), then the same file again (nothing changes).
Export: the retention-people report at export-rows/steps, 2x, ... rows, as CSV, as XLSX with
xlsxwriter's constant-memory mode (what the app uses, common/exports.py) and as XLSX with
openpyxl's write-only mode (written here from the same neutralised rows, for comparison): the
rows grow, the memory should not.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def measured(label: str, phase: Callable[[], dict[str, Any] | None], **extra: Any) -> dict[str, Any]:
    """Run `phase` in a forked child; print and return its figures (whatever it returns, too)."""
    connections.close_all()  # the child opens its own connection
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        code = 0
        try:
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")  # reset the peak resident size to the current one
            base = _status_mb("VmRSS")
            started = time.perf_counter()
            figures = phase() or {}
            payload = {"seconds": time.perf_counter() - started, "peak_mb": _status_mb("VmHWM") - base, **figures}
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            payload, code = {"error": repr(exc)}, 1
        with os.fdopen(write_end, "w") as out:
            json.dump(payload, out, default=str)
        connections.close_all()
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as source:
        raw = source.read()
    os.waitpid(pid, 0)
    figures = json.loads(raw) if raw else {"error": "the child died"}
    if "error" in figures:
        print(f"{label}: FAILED {figures['error']}", flush=True)
        return figures
    more = "".join(f" {k}={v}" for k, v in {**extra, **figures}.items() if k not in ("seconds", "peak_mb"))
    print(f"{label}: seconds={figures['seconds']:.2f} peak_mb={figures['peak_mb']:.1f}{more}", flush=True)
    return figures


def roster_csv(rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    departments = [f"Department {i:02d}" for i in range(40)]
    out = io.StringIO()
    out.write("Employee ID,Name,E-mail,Department,Title,Supervisor ID,Hire Date,Retirement Eligibility Date,Separation Date,Separation Reason\n")
    for i in range(rows):
        hired = date(1985, 1, 1) + timedelta(days=rng.randrange(14000))
        supervisor = f"E{rng.randrange(i):06d}" if i > 50 else ""
        retire = (hired + timedelta(days=365 * 30)).isoformat() if rng.random() < 0.3 else ""
        us_date = f"{hired.month}/{hired.day}/{hired.year}"
        out.write(
            f"E{i:06d},\"Last{i}, First{i}\",person{i}@bench.gov,{rng.choice(departments)},Analyst,{supervisor},"
            f"{us_date},{retire},,\n"
        )
    return out.getvalue().encode()


def bench_roster(rows: int, seed: int) -> None:
    from reports.models import RosterImport
    from reports.roster_file import check_upload
    from reports.services.roster_jobs import roster_apply_queued, roster_preview_build

    data = roster_csv(rows, seed)
    print(f"roster: rows={rows} file_mb={len(data) / 2**20:.1f}")

    def preview() -> dict[str, Any]:
        # The row the upload request stores (roster_upload_create, without queuing), then the task.
        imported = RosterImport.objects.create(
            filename="bench.csv", sha256="-", status=RosterImport.Status.READING, upload=data
        )
        roster_preview_build(roster_import_id=imported.pk)
        imported.refresh_from_db()
        return {"import_id": imported.pk, "status": imported.status, "new": imported.preview["counts"]["new"]}

    def apply(import_id: int) -> dict[str, Any]:
        RosterImport.objects.filter(pk=import_id).update(apply_requested_at=timezone.now())
        roster_apply_queued(roster_import_id=import_id, user_id=None, valid_rows_only=False)
        imported = RosterImport.objects.get(pk=import_id)
        return {"status": imported.status, "created": imported.result.get("new"), "apply_error": imported.apply_error or "none"}

    measured("roster upload checks (in the request)", lambda: check_upload(data, "bench.csv"))
    first = measured("roster preview (worker: read + compare + store)", preview)
    measured("roster apply (worker, all new)", lambda: apply(first["import_id"]))
    again = measured("roster preview of the same file again", preview)
    measured("roster apply of the same file again (nothing changes)", lambda: apply(again["import_id"]))


def export_world(extra_people: int, state: dict[str, Any]) -> None:
    """One cohort whose comparison group grows by `extra_people` non-participants each step."""
    from profiles.models import Department, Person
    from programs.models import Cycle, Mentorship, Program

    if "cycle" not in state:
        dept = Department.objects.create(name="Bench exports", code="BENCH-X")
        program = Program.objects.create(name="Bench", slug="bench")
        start = date(2024, 1, 1)
        cycle = Cycle.objects.create(
            program=program, name="Bench cycle", starts_on=start, ends_on=date(2024, 6, 30),
            applications_open_on=date(2023, 11, 1), applications_close_on=date(2023, 11, 30), matching_on=date(2023, 12, 10),
        )  # fmt: skip
        people = Person.objects.bulk_create(
            [
                Person(first_name=f"P{i}", last_name="Pair", email=f"pair{i}@bench.gov", department=dept, hire_date=date(2020, 1, 1))
                for i in range(100)
            ]
        )
        Mentorship.objects.bulk_create(
            [Mentorship(cycle=cycle, mentor=people[i], mentee=people[i + 50], started_on=start) for i in range(50)]
        )
        state.update(cycle=cycle, dept=dept, made=0)
    made = state["made"]
    batch = [
        Person(
            first_name=f"C{i}", last_name="Compare", email=f"compare{i}@bench.gov", department=state["dept"],
            hire_date=date(2020, 6, 1), separated_on=date(2024, 9, 1) if i % 7 == 0 else None,
        )
        for i in range(made, made + extra_people)
    ]  # fmt: skip
    Person.objects.bulk_create(batch, batch_size=5000)
    state["made"] = made + extra_people


def write_openpyxl(export: Any, handle: Any) -> None:
    """The export as openpyxl's write-only mode wrote it before xlsxwriter replaced it."""
    from openpyxl import Workbook

    from common.exports import _xlsx_cell, neutralise

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=export.title[:31])
    sheet.append([neutralise(c) for c in export.columns])
    for row in export.rows():
        sheet.append([_xlsx_cell(neutralise(cell)) for cell in row])
    workbook.save(handle)


def bench_export(total_rows: int, steps: int) -> None:
    from programs.models import Program
    from reports.exports import RetentionPeopleExport
    from reports.selectors.scope import ReportFilters

    state: dict[str, Any] = {}
    step = total_rows // steps
    for n in range(1, steps + 1):
        export_world(step, state)
        program_id = state["cycle"].program_id

        def export(program_id: int = program_id) -> RetentionPeopleExport:
            return RetentionPeopleExport(
                filters=ReportFilters(program_id=program_id), programs=Program.objects.all(), today=date(2026, 1, 1)
            )

        def csv_phase() -> dict[str, Any]:
            size = lines = 0
            for chunk in export().iter_csv():
                size, lines = size + len(chunk), lines + chunk.count("\n")
            return {"rows": lines - 1, "bytes": size}

        def xlsx_phase(writer: str) -> dict[str, Any]:
            with tempfile.TemporaryFile() as handle:
                if writer == "xlsxwriter":
                    export().write_xlsx(handle)
                else:
                    write_openpyxl(export(), handle)
                return {"bytes": handle.tell()}

        rows = measured(f"export csv (streamed) step={n}", csv_phase).get("rows")
        measured(f"export xlsx xlsxwriter constant_memory step={n}", lambda: xlsx_phase("xlsxwriter"), rows=rows)
        measured(f"export xlsx openpyxl write_only step={n}", lambda: xlsx_phase("openpyxl"), rows=rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roster-rows", type=int, default=50_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=4, help="export measured at export-rows/steps, 2x, ... rows")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server; the benchmark creates and drops its own database.")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        if args.roster_rows:
            bench_roster(args.roster_rows, args.seed)
        if args.export_rows:
            bench_export(args.export_rows, args.steps)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    import resource

    print(f"process max_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
