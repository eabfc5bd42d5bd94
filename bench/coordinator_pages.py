"""Benchmark of the coordinator pages on the demo department: prints figures, asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_bench .venv/bin/python bench/coordinator_pages.py
    ... bench/coordinator_pages.py --people 5000 --repeat 7

Builds a throw-away database (bench_coordinator_<name of DATABASE_URL's database>), seeds the demo
department into it (demo.services.demo_seed: three cycles, hundreds of pairs, meetings, RSVPs),
then requests each coordinator page --repeat times as the program's coordinator and prints, per
page, the rows it shows, the SQL queries of one request and the median milliseconds. The
database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("CELERY_BROKER_URL", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    old_name = connection.settings_dict["NAME"]
    # Its own database, never the one a test run is reusing.
    connection.settings_dict["TEST"]["NAME"] = f"bench_coordinator_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from demo.services import demo_seed
        from profiles.tests.factories import CoordinatorFactory
        from programs.models import Cycle, Event, Program

        t = time.perf_counter()
        demo_seed(people=args.people, password="bench-password")
        seed_s = time.perf_counter() - t
        program = Program.objects.first()
        coordinator = CoordinatorFactory(email="bench-coordinator@example.gov")
        program.coordinators.add(coordinator)
        running = Cycle.objects.filter(program=program).running().first() or program.cycles.first()
        event = Event.objects.filter(cycle=running).order_by("-pk").first()
        client = Client()
        client.force_login(coordinator)
        pages = {
            "home": reverse("programs:coordinator-home"),
            "cycle-detail": reverse("programs:cycle-detail", args=[running.pk]),
            "applications": reverse("programs:cycle-applications", args=[running.pk]),
            "pairs": reverse("programs:cycle-pairs", args=[running.pk]),
            "help": reverse("programs:cycle-help", args=[running.pk]),
            "events": reverse("programs:program-events", args=[program.slug]),
            "event-replies": reverse("programs:event-rsvps", args=[event.pk]),
        }
        print(f"people={args.people} seed_s={seed_s:.1f} cycle={running.name!r} "
              f"pairs={running.mentorships.count()} applications={running.enrollments.count()} "
              f"rsvps={event.rsvps.count()}")
        for name, url in pages.items():
            client.get(url, secure=True)  # warm caches
            queries: list[str] = []

            def count(execute, sql, params, many, context, queries=queries):  # noqa: ANN001
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                response = client.get(url, secure=True)
            timings = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                client.get(url, secure=True)
                timings.append((time.perf_counter() - t) * 1000)
            print(f"page={name:<14} status={response.status_code} queries={len(queries):<3} "
                  f"kb={len(response.content) // 1024:<5} median_ms={statistics.median(timings):.0f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
