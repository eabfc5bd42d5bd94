"""Benchmark of surveys: opening for many invitees, results over many answers. Asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_surveys_bench .venv/bin/python bench/surveys.py
    ... bench/surveys.py --invitees 10000 --answers 50000 --repeat 5

Builds a throw-away test database (test_<name of DATABASE_URL's database>; use a name of your
own, it is dropped at the end), enrols --invitees people in a cycle and copies the starter
"Midpoint check-in" (five questions) into it as an anonymous survey for mentors and mentees. Then:

* open:      survey_open() for every invitee (queries, seconds), and again (must add 0);
* mail:      the invitation task mailing all of them (locmem backend: rendering + claim per mail);
* submit:    200 submissions through response_submit(), median ms and queries per submission;
* results:   --answers answers bulk-loaded (respondents x 5 questions), then survey_results(), the
             results page, cycle_outcomes() and the CSV export, each --repeat times (median).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invitees", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mail", type=int, default=1000, help="invitations mailed for the per-mail timing")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _timed(fn, repeat: int = 1):  # noqa: ANN001, ANN202
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, queries, result = [], 0, None
    for _ in range(repeat):
        reset_queries()  # the query log keeps 9000 entries; start each capture from an empty one
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t)
        queries = len(captured.captured_queries)
    return result, statistics.median(times), queries


def run(args: argparse.Namespace) -> None:
    from datetime import timedelta
    from unittest import mock

    from django.core import mail
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from profiles.models import Department, Person
    from profiles.tests.factories import CoordinatorFactory
    from programs.models import Enrollment
    from programs.tests.factories import CycleFactory
    from surveys import services, starter, tasks
    from surveys.exports import ResponsesExport
    from surveys.forms import AnswerValue
    from surveys.models import Answer, Invitation, Question, QuestionKind, Response, SurveyTemplate
    from surveys.selectors import cycle_outcomes, survey_results

    rng = random.Random(args.seed)
    starter.install(SurveyTemplate, Question)
    departments = Department.objects.bulk_create(Department(name=f"Department {i}", code=f"B{i}") for i in range(12))
    cycle = CycleFactory()
    coordinator = CoordinatorFactory(email="bench-coordinator@example.gov")
    cycle.program.coordinators.add(coordinator)

    t = time.perf_counter()
    people = Person.objects.bulk_create(
        (
            Person(first_name=f"P{i}", last_name="Bench", email=f"p{i}@bench.example.gov", department=rng.choice(departments))
            for i in range(args.invitees)
        ),
        batch_size=2000,
    )
    Enrollment.objects.bulk_create(
        (
            Enrollment(cycle=cycle, person=p, role="mentor" if i % 3 == 0 else "mentee", status="approved")
            for i, p in enumerate(people)
        ),
        batch_size=2000,
    )
    seed_s = time.perf_counter() - t
    today = timezone.localdate()
    survey = services.survey_create_from_template(
        template=SurveyTemplate.objects.get(key="midpoint-check-in"),
        cycle=cycle,
        by=coordinator,
        audience="both",
        opens_on=today,
        closes_on=today + timedelta(days=14),
    )
    print(f"invitees={args.invitees} questions={survey.questions.count()} seed_s={seed_s:.1f}")

    # --- open -------------------------------------------------------------------------------
    with mock.patch.object(tasks.send_survey_invitations, "delay") as delay:
        created, open_s, open_q = _timed(lambda: services.survey_open(survey=survey))
        again, again_s, again_q = _timed(lambda: services.survey_open(survey=survey))
    print(f"open: new={created} s={open_s:.2f} queries={open_q} | again: new={again} s={again_s:.2f} "
          f"queries={again_q} | mail task enqueued {delay.call_count}x")

    # --- mail ---------------------------------------------------------------------------------
    sample = list(Invitation.objects.filter(survey=survey).order_by("pk").values_list("pk", flat=True)[: args.mail])

    def mail_sample() -> int:
        return sum(services.invitation_send(invitation_id=pk) for pk in sample)

    sent, mail_s, mail_q = _timed(mail_sample)
    print(f"mail: sent={sent} outbox={len(mail.outbox)} s={mail_s:.2f} ms_per_mail={1000 * mail_s / max(sent, 1):.2f} "
          f"queries_per_mail={mail_q / max(sent, 1):.1f}")
    mail.outbox.clear()
    resent, _, _ = _timed(mail_sample)
    print(f"mail again (same invitations): sent={resent}")

    # --- submit -----------------------------------------------------------------------------
    questions = list(survey.questions.all())

    def random_answer(q: Question) -> AnswerValue:
        if q.kind == QuestionKind.LIKERT:
            return AnswerValue(number=rng.randint(1, 5))
        if q.kind == QuestionKind.RATING:
            return AnswerValue(number=rng.randint(0, 10))
        if q.kind == QuestionKind.MULTIPLE:
            return AnswerValue(options=rng.sample(q.choices, rng.randint(1, 3)))
        return AnswerValue(text=rng.choice(["More time", "Fine", "Clearer goals", "More events"]))

    invitations = list(Invitation.objects.filter(survey=survey).select_related("survey", "person").order_by("pk"))
    submit_times, submit_queries = [], 0
    for invitation in invitations[:200]:
        answers = {q.pk: random_answer(q) for q in questions}
        _, s, submit_queries = _timed(lambda inv=invitation, a=answers: services.response_submit(invitation=inv, answers=a))
        submit_times.append(s)
    print(f"submit: n=200 median_ms={1000 * statistics.median(submit_times):.1f} queries={submit_queries}")

    # --- results over --answers answers -------------------------------------------------------
    respondents = max(args.answers // len(questions) - 200, 0)
    t = time.perf_counter()
    Invitation.objects.filter(pk__in=[i.pk for i in invitations[200 : 200 + respondents]]).update(used=True)
    roles = ["mentor", "mentee"]
    for start in range(0, respondents, 2000):
        batch = [
            Response(survey=survey, anonymous=True, role=rng.choice(roles), department=rng.choice(departments),
                     submitted_on=today)
            for _ in range(min(2000, respondents - start))
        ]
        Response.objects.bulk_create(batch)
        Answer.objects.bulk_create(
            (
                Answer(response=r, question=q, number=a.number, text=a.text, options=a.options)
                for r in batch
                for q in questions
                for a in [random_answer(q)]
            ),
            batch_size=5000,
        )
    load_s = time.perf_counter() - t
    total_answers = Answer.objects.filter(response__survey=survey).count()
    print(f"loaded: respondents={Response.objects.filter(survey=survey).count()} answers={total_answers} "
          f"load_s={load_s:.1f}")

    _, results_s, results_q = _timed(lambda: survey_results(survey=survey), args.repeat)
    client = Client()
    client.force_login(coordinator)
    url = reverse("surveys:survey-results", args=[survey.pk])
    client.get(url)
    response, page_s, page_q = _timed(lambda: client.get(url), args.repeat)
    _, outcomes_s, outcomes_q = _timed(lambda: cycle_outcomes(cycle_ids=[cycle.pk]), args.repeat)

    def export_csv() -> int:
        return sum(len(chunk) for chunk in ResponsesExport(survey).iter_csv())

    size, export_s, export_q = _timed(export_csv, 1)
    print(f"results selector: answers={total_answers} median_s={results_s:.3f} queries={results_q}")
    print(f"results page: status={response.status_code} median_s={page_s:.3f} queries={page_q} "
          f"bytes={len(response.content)}")
    print(f"cycle_outcomes: median_s={outcomes_s:.3f} queries={outcomes_q}")
    print(f"export csv: rows={Response.objects.filter(survey=survey).count()} s={export_s:.2f} queries={export_q} "
          f"bytes={size}")


if __name__ == "__main__":
    main()
