"""Benchmark of the matching app over the database: prints figures, asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_bench .venv/bin/python bench/matching_app.py
    ... bench/matching_app.py --mentees 5000 --mentors 2500 --repeat 3 --no-publish

Builds a throw-away database (bench_matching_<name of DATABASE_URL's database>) and bulk-inserts
one cycle: approved mentees with 1-4 IDP goals, approved mentors with 3-8 skills, twelve
departments, a supervisor tree. Then it times, as the coordinator would meet them:

* input: matching.services.inputs.cycle_input (ORM -> engine), with its SQL queries;
* run: run_execute end to end (input, engine, storing proposals);
* review: the review page (queries, size, median ms over --repeat requests);
* choice: one mentee's top-five suggestions;
* publish: run_publish (every pair through programs' rules, one transaction, notices queued).

The database is dropped at the end.
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
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("CELERY_BROKER_URL", "")


def seed(*, mentees: int, mentors: int, rng: random.Random):  # noqa: ANN201
    from profiles.models import Department, DevelopmentGoal, Person, PersonSkill, Skill, SkillCategory
    from profiles.tests.factories import CoordinatorFactory
    from programs.models import Enrollment
    from programs.tests.factories import CycleFactory

    cycle = CycleFactory(name="Bench cycle")
    coordinator = CoordinatorFactory(email="bench-coordinator@example.gov")
    cycle.program.coordinators.add(coordinator)
    departments = Department.objects.bulk_create(Department(name=f"Dept {i}", code=f"B{i}") for i in range(12))
    categories = SkillCategory.objects.bulk_create(SkillCategory(name=f"Category {i}") for i in range(12))
    skills = Skill.objects.bulk_create(
        Skill(name=f"Skill {i}", category=categories[i % 12]) for i in range(150)
    )
    zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Europe/London"]
    places = ["HQ", "North", "South", "East", "West", "Remote"]
    people = Person.objects.bulk_create(
        Person(
            first_name=f"P{i}", last_name=f"Bench{i:06d}", email=f"p{i}@bench.example.gov",
            department=rng.choice(departments), office_location=rng.choice(places), time_zone=rng.choice(zones),
            mentor_capacity=rng.randint(1, 3),
        )
        for i in range(mentees + mentors)
    )
    # A supervisor tree: everyone reports to someone with a lower index.
    for i, person in enumerate(people[1:], start=1):
        person.supervisor_id = people[rng.randrange(max(1, i // 8))].pk
    Person.objects.bulk_update(people, ["supervisor"], batch_size=2000)
    mentee_people, mentor_people = people[:mentees], people[mentees:]
    DevelopmentGoal.objects.bulk_create(
        DevelopmentGoal(person=p, skill=s, target_level=rng.randint(2, 4), priority=rng.randint(1, 3))
        for p in mentee_people
        for s in rng.sample(skills, rng.randint(1, 4))
    )
    PersonSkill.objects.bulk_create(
        PersonSkill(person=p, skill=s, level=rng.randint(1, 4), will_teach=rng.random() < 0.8)
        for p in mentor_people
        for s in rng.sample(skills, rng.randint(3, 8))
    )
    Enrollment.objects.bulk_create(
        [Enrollment(cycle=cycle, person=p, role="mentee", status="approved") for p in mentee_people]
        + [Enrollment(cycle=cycle, person=p, role="mentor", status="approved", capacity=p.mentor_capacity)
           for p in mentor_people]
    )
    return cycle, coordinator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"bench_matching_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from matching.models import MatchRun
        from matching.services.choice import mentee_suggestions
        from matching.services.inputs import cycle_input
        from matching.services.runs import run_execute, run_publish
        from programs.models import Mentorship

        queries: list[str] = []

        def count(execute, sql, params, many, context):  # noqa: ANN001
            queries.append(sql)
            return execute(sql, params, many, context)

        t = time.perf_counter()
        cycle, coordinator = seed(mentees=args.mentees, mentors=args.mentors, rng=random.Random(args.seed))
        seed_s = time.perf_counter() - t

        with connection.execute_wrapper(count):
            t = time.perf_counter()
            data = cycle_input(cycle)
            input_s = time.perf_counter() - t
        input_queries = len(queries)

        run = MatchRun.objects.create(cycle=cycle, settings={}, started_by=coordinator)
        t = time.perf_counter()
        run = run_execute(run_id=run.pk)
        run_s = time.perf_counter() - t
        print(f"mentees={args.mentees} mentors={args.mentors} seed_s={seed_s:.1f} input_s={input_s:.2f} "
              f"input_queries={input_queries} run_s={run_s:.2f} engine_s={run.timings.get('engine_s', 0):.2f} "
              f"status={run.status} matched={run.matched_count}/{run.mentee_count} "
              f"score={run.total_score:.1f} goals_covered={run.coverage_goals:.1%} "
              f"candidates={len(data.problem.mentees)}x{len(data.problem.mentors)}")

        client = Client()
        client.force_login(coordinator)
        url = run.get_absolute_url()
        client.get(url, secure=True)
        queries.clear()
        with connection.execute_wrapper(count):
            response = client.get(url, secure=True)
        timings = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            client.get(url, secure=True)
            timings.append((time.perf_counter() - t) * 1000)
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(client.get, url, secure=True)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        print(f"page=review status={response.status_code} queries={len(queries)} kb={len(response.content) // 1024} "
              f"median_ms={statistics.median(timings):.0f}")

        mentee = data.problem.mentees[0].id
        from profiles.models import Person

        person = Person.objects.get(pk=mentee)
        cycle.mentee_choice = True
        cycle.save(update_fields=["mentee_choice"])
        timings = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            found = mentee_suggestions(cycle=cycle, mentee=person)
            timings.append((time.perf_counter() - t) * 1000)
        print(f"choice=suggestions found={len(found)} median_ms={statistics.median(timings):.0f}")

        if not args.no_publish:
            from django.core import mail
            from django.db import transaction

            queries.clear()
            t = time.perf_counter()
            with transaction.atomic(), connection.execute_wrapper(count):
                created = run_publish(run=run, by=coordinator)
                publish_s = time.perf_counter() - t
                publish_queries = len(queries)
            # Leaving the transaction runs the on-commit work: notices claimed and e-mails sent.
            notify_s = time.perf_counter() - t - publish_s
            print(f"publish pairs={len(created)} publish_s={publish_s:.1f} queries={publish_queries} "
                  f"ms_per_pair={publish_s * 1000 / max(1, len(created)):.1f} after_commit_s={notify_s:.1f} "
                  f"emails={len(mail.outbox)} mentorships={Mentorship.objects.filter(cycle=cycle).count()}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
