"""Benchmark of circle-aware matching over the database: prints figures, asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_bench .venv/bin/python bench/circles.py
    ... bench/circles.py --mentees 2000 --mentors 1000 --circles 50

Builds a throw-away database (bench_circles_<name of DATABASE_URL's database>) with one cycle as
bench/matching_app.py does (approved mentees with 1-4 IDP goals, mentors with 3-8 skills, a
supervisor tree), then adds --circles circles (one or two mentors from the pool, two or three
topic skills, 4 to 6-10 seats, a few members already seated, some applications). It times:

* input: cycle_input with and without circles, with its SQL queries, then again with twice the
  circles (the query count must not move);
* run: run_execute end to end (input, engine with circle units, the certificate, storing pairs
  and seats), and the engine's own share;
* review: the run page with its seats (queries, median ms over --repeat requests).

The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("CELERY_BROKER_URL", "")


def _matching_app():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("bench_matching_app", ROOT / "bench" / "matching_app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def add_circles(*, cycle, coordinator, count: int, rng: random.Random, offset: int = 0) -> None:  # noqa: ANN001
    from django.utils import timezone

    from circles.models import Circle, CircleApplication, CircleMember
    from profiles.models import Skill
    from programs.models import Enrollment

    mentors = list(Enrollment.objects.filter(cycle=cycle, role="mentor").values_list("person_id", flat=True))
    mentees = list(Enrollment.objects.filter(cycle=cycle, role="mentee").values_list("person_id", flat=True))
    skills = list(Skill.objects.values_list("pk", flat=True))
    circles = Circle.objects.bulk_create(
        Circle(
            cycle=cycle, topic=f"Circle {offset + i}", min_size=4, max_size=rng.randint(6, 10), created_by=coordinator
        )
        for i in range(count)
    )
    through = Circle.skills.through
    through.objects.bulk_create(
        through(circle_id=c.pk, skill_id=s) for c in circles for s in rng.sample(skills, rng.randint(2, 3))
    )
    today = timezone.localdate()
    members, applications = [], []
    seated: set[int] = set(CircleMember.objects.filter(circle__cycle=cycle).values_list("person_id", flat=True))
    for c in circles:
        for pid in rng.sample(mentors, rng.randint(1, 2)):
            members.append(CircleMember(circle=c, person_id=pid, role="mentor", joined_on=today))
        for pid in rng.sample(mentees, 2):
            if pid not in seated:
                seated.add(pid)
                members.append(CircleMember(circle=c, person_id=pid, role="mentee", joined_on=today))
        applications += [CircleApplication(circle=c, person_id=pid) for pid in rng.sample(mentees, 2)]
    CircleMember.objects.bulk_create(members, ignore_conflicts=True)
    CircleApplication.objects.bulk_create(applications, ignore_conflicts=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentees", type=int, default=10000)
    parser.add_argument("--mentors", type=int, default=5000)
    parser.add_argument("--circles", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"bench_circles_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from matching.models import MatchRun
        from matching.services.inputs import cycle_input
        from matching.services.runs import run_execute

        queries: list[str] = []

        def count(execute, sql, params, many, context):  # noqa: ANN001
            queries.append(sql)
            return execute(sql, params, many, context)

        def timed_input(**kw):  # noqa: ANN003, ANN202
            queries.clear()
            with connection.execute_wrapper(count):
                t = time.perf_counter()
                data = cycle_input(cycle, **kw)
                return data, time.perf_counter() - t, len(queries)

        rng = random.Random(args.seed)
        t = time.perf_counter()
        cycle, coordinator = _matching_app().seed(mentees=args.mentees, mentors=args.mentors, rng=rng)
        add_circles(cycle=cycle, coordinator=coordinator, count=args.circles, rng=rng)
        seed_s = time.perf_counter() - t

        _, plain_s, plain_q = timed_input(with_circles=False)
        data, input_s, input_q = timed_input()
        add_circles(cycle=cycle, coordinator=coordinator, count=args.circles, rng=rng, offset=args.circles)
        _, more_s, more_q = timed_input()
        units = sum(1 for m in data.problem.mentors if hasattr(m.id, "key"))
        print(
            f"mentees={args.mentees} mentors={args.mentors} circles={args.circles} seed_s={seed_s:.1f} "
            f"input_s={input_s:.2f} input_queries={input_q} without_circles_s={plain_s:.2f} "
            f"without_circles_queries={plain_q} twice_the_circles_s={more_s:.2f} twice_the_circles_queries={more_q} "
            f"circle_units={units}"
        )

        run = MatchRun.objects.create(cycle=cycle, settings={}, started_by=coordinator)
        queries.clear()
        with connection.execute_wrapper(count):
            t = time.perf_counter()
            run = run_execute(run_id=run.pk)
            run_s = time.perf_counter() - t
        seats = run.circle_proposals.count()
        print(
            f"run status={run.status} message={run.message[:300]!r} run_s={run_s:.2f} engine_s={run.timings.get('engine_s', 0):.2f} "
            f"queries={len(queries)} proven={run.certificate_proven} rounds={run.certificate_rounds} "
            f"pairs_added={run.certificate_pairs_added} matched={run.matched_count}/{run.mentee_count} "
            f"seats={seats} pairs={run.proposals.count()} score={run.total_score:.1f}"
        )

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
        print(
            f"page=review status={response.status_code} queries={len(queries)} kb={len(response.content) // 1024} "
            f"median_ms={statistics.median(timings):.0f}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
