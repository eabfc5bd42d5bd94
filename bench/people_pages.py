"""Benchmark of the people pages at roster scale: prints figures, asserts nothing.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_bench \
        .venv/bin/python bench/people_pages.py --people 1000,10000,50000

For each size it builds a throw-away test database (test_<name>), fills it with people (5 skills
each, a quarter willing to mentor, a third without a login), then requests the expertise
directory (a skill + minimum level search, and the unfiltered first page) and the coordinator
roster, and a participant's skills page (5 rows + 3 empty, each listing the 300-skill
catalogue), through the Django test client. Figures: queries per request, the median of 5 timings\nof the whole request, and the database's share of the last one (sql_ms).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")


def populate(n: int, seed: int) -> dict:
    from accounts.models import User
    from profiles.models import Department, Person, PersonSkill, Skill, SkillCategory

    rng = random.Random(seed)
    Person.objects.all().delete()
    User.objects.filter(is_superuser=False, is_coordinator=False).delete()
    departments = Department.objects.bulk_create(
        [Department(name=f"Department {i}", code=f"D{i}") for i in range(40)], ignore_conflicts=True
    )
    departments = list(Department.objects.all())
    category, _ = SkillCategory.objects.get_or_create(name="Bench")
    Skill.objects.bulk_create([Skill(name=f"Skill {i}", category=category) for i in range(300)], ignore_conflicts=True)
    skills = list(Skill.objects.all())
    users = User.objects.bulk_create(
        [User(email=f"p{i}@bench.example", password="!") for i in range(n) if i % 3]
    )
    by_email = {u.email: u for u in users}
    people = Person.objects.bulk_create(
        [
            Person(
                first_name=f"First{i}",
                last_name=f"Last{i:06d}",
                email=f"p{i}@bench.example",
                user=by_email.get(f"p{i}@bench.example"),
                department=rng.choice(departments),
                office_location=rng.choice(["Denver", "Austin", "Washington", "Remote"]),
                willing_to_mentor=rng.random() < 0.25,
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    rows = []
    for person in people:
        for skill in rng.sample(skills, 5):
            rows.append(PersonSkill(person=person, skill=skill, level=rng.randint(1, 4)))
    PersonSkill.objects.bulk_create(rows, batch_size=10000)
    # autovacuum would analyse the new rows within a minute in a real database; without fresh
    # statistics the planner assumes one-row tables and picks nested loops.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"skill": skills[0].pk, "viewer": people[1]}


def measure(client, url: str, params: dict, explain: bool = False) -> tuple[int, float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    for _ in range(5):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, params)
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        queries = len(captured.captured_queries)
        sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    if explain:
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"].split(" FOR ", 1)[-1] if slowest["sql"].startswith("DECLARE") else "EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            print(f"-- {url} {params} slowest query ({float(slowest['time']) * 1000:.0f} ms):")
            print("\n".join(row[0] for row in cursor.fetchall()))
    return queries, statistics.median(timings) * 1000, sql_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", default="1000,10000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="print PostgreSQL's plan of each page's slowest query")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from accounts.models import User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        coordinator = User.objects.create_user(email="coord@bench.example", password="x", is_coordinator=True)
        for n in (int(x) for x in args.people.split(",")):
            start = time.perf_counter()
            data = populate(n, args.seed)
            fill_s = time.perf_counter() - start
            participant, staff = Client(), Client()
            participant.force_login(data["viewer"].user)
            staff.force_login(coordinator)
            pages = [
                ("directory_skill", participant, reverse("profiles:directory"), {"skill": data["skill"], "min_level": 3}),
                ("directory_all", participant, reverse("profiles:directory"), {}),
                ("directory_mentors_page5", participant, reverse("profiles:directory"), {"willing_to_mentor": "on", "page": 5}),
                ("my_skills_5_rows", participant, reverse("profiles:skills"), {}),
                ("roster_search", staff, reverse("profiles:people"), {"q": "Last00"}),
                ("roster_no_login", staff, reverse("profiles:people"), {"login": "no"}),
            ]
            figures = [f"people={n}", f"fill_s={fill_s:.1f}"]
            for name, client, url, params in pages:
                queries, ms, sql_ms = measure(client, url, params, explain=args.explain)
                figures.append(f"{name}: queries={queries} median_ms={ms:.0f} sql_ms={sql_ms:.0f}")
            print(" | ".join(figures), flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
