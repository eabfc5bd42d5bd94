"""Benchmark of one person's calendar feed as it grows: prints figures, asserts nothing.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_feed_bench \
        .venv/bin/python bench/calendar_feed.py --items 50,500,2000

For each size N it gives one person (in a throw-away test database, test_<name>) about N items
inside the feed's window, split across every kind the feed carries: meetings of their pairs
(as mentor), events they said they would attend, accepted flash conversations and, where the
circles app is installed, sessions of a circle they belong to. Then it requests the feed by its
secret address through the Django test client, as a calendar client would. Printed per size:
SQL queries (must not grow with N), the median of 5 requests, the body's size, and the number
of VEVENTs the body holds after an icalendar round-trip (every item must be there).
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
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("REQUEST_LOG_LEVEL", "WARNING")


def populate(items: int):
    """One person with `items` feed items in all; returns (person, items made)."""
    from datetime import timedelta

    from django.apps import apps
    from django.utils import timezone

    from flash.models import FlashConversation
    from profiles.tests.factories import PersonFactory, SkillFactory
    from programs.models import RSVP, Enrollment, Event, Meeting
    from programs.tests.factories import CycleFactory, EnrollmentFactory, MentorshipFactory

    now = timezone.now()
    me = PersonFactory()
    cycle = CycleFactory()
    EnrollmentFactory(person=me, cycle=cycle, role=Enrollment.Role.MENTOR)
    kinds = 4 if apps.is_installed("circles") else 3
    share = max(1, items // kinds)
    made = 0

    # Meetings: a handful of pairs, spread over the last months and the next ones.
    pairs = [MentorshipFactory(cycle=cycle, mentor=me) for _ in range(max(1, min(10, share // 10)))]
    Meeting.objects.bulk_create(
        Meeting(
            mentorship=pairs[i % len(pairs)],
            scheduled_at=now + timedelta(hours=12 * i - 6 * share),
            status=Meeting.Status.HELD if i < share // 2 else Meeting.Status.SCHEDULED,
        )
        for i in range(share)
    )
    made += share

    events = Event.objects.bulk_create(
        Event(
            program=cycle.program,
            cycle=cycle,
            kind=Event.Kind.SOCIAL,
            title=f"Social {i}",
            location="Hall",
            starts_at=now + timedelta(days=i % 150 - 60, hours=i % 7),
            ends_at=now + timedelta(days=i % 150 - 60, hours=i % 7 + 2),
        )
        for i in range(share)
    )
    RSVP.objects.bulk_create(RSVP(event=e, person=me, status=RSVP.Status.GOING) for e in events)
    made += share

    skill = SkillFactory()
    experts = [PersonFactory() for _ in range(5)]
    FlashConversation.objects.bulk_create(
        FlashConversation(
            requester=me,
            expert=experts[i % 5],
            skill=skill,
            note="A question",
            status=FlashConversation.Status.ACCEPTED,
            starts_at=now + timedelta(days=i % 120 - 30, hours=9),
        )
        for i in range(share)
    )
    made += share

    if kinds == 4:
        made += populate_circle_sessions(me, cycle, share, now)
    return me, made


def populate_circle_sessions(me, cycle, count: int, now) -> int:
    from datetime import timedelta

    from circles.models import Circle, CircleMember, CircleSession

    circle = Circle.objects.create(cycle=cycle, topic="Bench circle", max_size=8)
    CircleMember.objects.create(circle=circle, person=me, role=CircleMember.Role.MENTEE, joined_on=now.date())
    CircleSession.objects.bulk_create(
        CircleSession(circle=circle, title=f"Session {i}", scheduled_at=now + timedelta(days=i % 120 - 30, hours=14))
        for i in range(count)
    )
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", default="50,500,2000", help="feed items per person, comma-separated")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from icalendar import Calendar

    from calendars import services

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for items in (int(s) for s in args.items.split(",")):
            start = time.perf_counter()
            person, made = populate(items)
            fill_s = time.perf_counter() - start
            url = reverse("calendars:feed", args=[services.feed_issue(person=person)])
            client = Client()
            timings = []
            for _ in range(5):
                with CaptureQueriesContext(connection) as captured:
                    t = time.perf_counter()
                    response = client.get(url)
                    timings.append(time.perf_counter() - t)
                assert response.status_code == 200, response.status_code
            body = response.content
            vevents = len(Calendar.from_ical(body).walk("VEVENT"))
            print(
                f"items={made} queries={len(captured.captured_queries)} median_ms={statistics.median(timings) * 1000:.0f} "
                f"body_kb={len(body) / 1024:.0f} vevents={vevents} fill_s={fill_s:.1f}",
                flush=True,
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
