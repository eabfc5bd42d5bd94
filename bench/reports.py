"""Benchmark: importing a large HR roster and exporting a large report. Prints figures, asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship .venv/bin/python bench/reports.py \
        --roster-rows 50000 --export-rows 100000

Runs in a throwaway database (test_<name>, created and dropped here), never in the real one.
Peak memory is Python's own allocation peak (tracemalloc) for each phase; timings include
tracemalloc's overhead unless --no-trace is given (then peak_mb is not measured).
The export is measured at several sizes to show whether its memory grows with the rows.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

TRACE = True


@contextmanager
def measured(label: str, **extra: Any):
    if TRACE:
        tracemalloc.start()
    started = time.perf_counter()
    figures: dict[str, Any] = {}
    yield figures
    elapsed = time.perf_counter() - started
    peak = ""
    if TRACE:
        peak = f" peak_mb={tracemalloc.get_traced_memory()[1] / 2**20:.1f}"
        tracemalloc.stop()
    more = "".join(f" {k}={v}" for k, v in {**extra, **figures}.items())
    print(f"{label}: seconds={elapsed:.2f}{peak}{more}", flush=True)


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
    from reports.roster_file import read_roster
    from reports.services.roster import roster_apply, roster_preview_create

    data = roster_csv(rows, seed)
    print(f"roster: rows={rows} file_mb={len(data) / 2**20:.1f}")
    with measured("roster parse"):
        parsed = read_roster(data, "bench.csv")
    with measured("roster preview (plan + store)") as f:
        imported = roster_preview_create(parsed=parsed, by=None)
        f["new"] = imported.preview["counts"]["new"]
    del parsed
    with measured("roster apply") as f:
        result = roster_apply(roster_import=imported, by=None)
        f["created"] = result["new"]
    with measured("roster re-import of the same file (parse + preview + apply)") as f:
        again = roster_preview_create(parsed=read_roster(data, "bench.csv"), by=None)
        f["changed"] = roster_apply(roster_import=again, by=None)["changed"]


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


def bench_export(total_rows: int, steps: int) -> None:
    from programs.models import Program
    from reports.exports import RetentionPeopleExport
    from reports.selectors.scope import ReportFilters

    state: dict[str, Any] = {}
    step = total_rows // steps
    for n in range(1, steps + 1):
        export_world(step, state)
        export = RetentionPeopleExport(
            filters=ReportFilters(program_id=state["cycle"].program_id), programs=Program.objects.all(), today=date(2026, 1, 1)
        )
        with measured(f"export csv (streamed) step={n}") as f:
            size = lines = 0
            for chunk in export.iter_csv():
                size, lines = size + len(chunk), lines + chunk.count("\n")
            f["rows"], f["bytes"] = lines - 1, size
        rows = f["rows"]
        with tempfile.TemporaryFile() as handle, measured(f"export xlsx (write-only, to a file) step={n}", rows=rows) as f:
            export.write_xlsx(handle)
            f["bytes"] = handle.tell()


def main() -> None:
    global TRACE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roster-rows", type=int, default=50_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=4, help="export measured at export-rows/steps, 2x, ... rows")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-trace", action="store_true", help="time without tracemalloc (no peak figures)")
    args = parser.parse_args()
    TRACE = not args.no_trace
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
