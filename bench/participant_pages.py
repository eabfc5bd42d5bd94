"""Benchmark of the participant portal pages as one person's data grows: prints figures, asserts nothing.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_portal_bench \
        .venv/bin/python bench/participant_pages.py --sizes 1x2,5x20,20x100

Each size PxE gives one person P pairs (as mentor, 12 meetings each, half with an agreement)
and E upcoming events in their cycle (30 replies each, some with guests), plus 10 IDP goals with
5 progress notes each. It builds a throw-away test database (test_<name>) and requests, through
the Django test client, the home page, the event list, one event page and one pair page. Figures:
queries per request, the median of 5 timings of the whole request, and the database's share of
the last one (sql_ms).
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
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")


def populate(pairs: int, events: int) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from profiles.models import GoalProgressNote
    from profiles.tests.factories import DevelopmentGoalFactory, PersonFactory
    from programs.models import RSVP, Agreement, Enrollment, Meeting
    from programs.tests.factories import CycleFactory, EnrollmentFactory, EventFactory, MentorshipFactory

    me = PersonFactory()
    cycle = CycleFactory()
    EnrollmentFactory(person=me, cycle=cycle, role=Enrollment.Role.MENTOR)
    now = timezone.now()
    first_pair = None
    for i in range(pairs):
        pair = MentorshipFactory(cycle=cycle, mentor=me)
        first_pair = first_pair or pair
        Meeting.objects.bulk_create(
            [
                Meeting(mentorship=pair, scheduled_at=now - timedelta(days=7 * k), status=Meeting.Status.HELD,
                        private_notes="Notes")
                for k in range(1, 12)
            ]
            + [Meeting(mentorship=pair, scheduled_at=now + timedelta(days=3), status=Meeting.Status.SCHEDULED)]
        )
        if i % 2 == 0:
            Agreement.objects.create(mentorship=pair)
        goals = [DevelopmentGoalFactory(person=pair.mentee) for _ in range(10 if i == 0 else 2)]
        GoalProgressNote.objects.bulk_create(
            [GoalProgressNote(goal=g, author=me, text="Progress") for g in goals for _ in range(5)]
        )
    for _ in range(10):
        DevelopmentGoalFactory(person=me)
    others = [EnrollmentFactory(cycle=cycle).person for _ in range(30)]
    first_event = None
    for i in range(events):
        event = EventFactory(cycle=cycle, capacity=200, guests_per_person=2)
        first_event = first_event or event
        RSVP.objects.bulk_create(
            [RSVP(event=event, person=p, status=RSVP.Status.GOING, guests=j % 3) for j, p in enumerate(others)]
        )
        if i % 2:
            RSVP.objects.create(event=event, person=me, status=RSVP.Status.GOING)
    return {"person": me, "pair": first_pair, "event": first_event}


def measure(client, url: str) -> tuple[int, float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries, sql_ms = 0, 0.0
    for _ in range(5):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
        sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    return queries, statistics.median(timings) * 1000, sql_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1x2,5x20,20x100", help="pairs x events, comma-separated")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for size in args.sizes.split(","):
            pairs, events = (int(x) for x in size.lower().split("x"))
            start = time.perf_counter()
            data = populate(pairs, events)
            fill_s = time.perf_counter() - start
            client = Client()
            client.force_login(data["person"].user)
            pages = [
                ("home", reverse("programs:participant-home")),
                ("event_list", reverse("programs:event-list")),
                ("event_detail", data["event"].get_absolute_url()),
                ("pair_page", data["pair"].get_absolute_url()),
            ]
            for name, url in pages:
                queries, ms, sql_ms = measure(client, url)
                print(
                    f"pairs={pairs} events={events} page={name} queries={queries} "
                    f"median_ms={ms:.1f} sql_ms={sql_ms:.1f} fill_s={fill_s:.1f}"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
