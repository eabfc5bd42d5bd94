"""Benchmark of the reminder sweep over a cycle of N participants: prints figures, asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship .venv/bin/python bench/reminders.py
    ... bench/reminders.py --participants 1000,10000 --deliver 2000

For each size, in its own throw-away database (bench_reminders_<db>), it builds one department
of N employees, all approved participants of a running cycle and paired (N/2 pairs, silent for
seven weeks), an event six days ahead they were all invited to, and a second cycle of the same
program taking applications. One sweep then has to claim, for every participant, a week-before
event reminder, a meeting nudge (mentor or mentee) and an applications-open notice: 3N claims.

Printed per size:
  claim:   the sweep deciding and claiming everything (sweep(queue=False)): seconds, SQL queries
           and claims; the query count must not grow with N.
  resweep: the same sweep again (everything already claimed): seconds and queries.
  deliver: --deliver of the claimed e-mails sent in-process (render, .ics, locmem backend):
           seconds, e-mails per second and SQL queries per e-mail.
  drops:   --deliver more sent while another session terminates ours (pg_terminate_backend)
           every --drop-interval seconds. A send whose query meets a dead connection is retried
           the way the Celery task retries (same claim token); what is left is taken as a stale
           claim, as the sweep would. Prints e-mails per second, connections dropped, and the
           duplicates and missing e-mails counted per recipient (both must be 0).
  hung:    --deliver more sent by a real Celery worker through a private redis-server (its own
           port; the machine's Redis is never touched) that is hung with SIGSTOP for
           --hung-seconds shortly after the first deliveries are queued. Beat is played by this
           process: a sweep tick every 0.5 s queues what is still unqueued. Prints the longest
           tick while Redis hung (a hung broker must cost a tick at most its socket timeout),
           e-mails per second over the whole run (the hung period included), and the
           duplicates and missing e-mails counted per recipient (both must be 0).

The hung phase needs redis-server and a PostgreSQL DATABASE_URL (the worker shares the bench
database); without them it prints why it was skipped.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("CELERY_BROKER_URL", "")
os.environ.setdefault("LOG_LEVEL", "WARNING")


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # noqa: ANN001
        self.count += 1
        return execute(sql, params, many, context)


def build(n: int) -> None:
    from django.utils import timezone

    from accounts.models import User
    from notifications.models import Delivery, Kind
    from notifications.services.claims import content_type_id
    from notifications.services.sweep import invitation_due
    from profiles.models import Department, Person
    from programs.models import Cycle, Enrollment, Event, Mentorship, Program

    today = timezone.localdate()
    department = Department.objects.create(name="Bench department", code="BENCH")
    program = Program.objects.create(name="Bench program", slug="bench", department=department)
    running = Cycle.objects.create(
        program=program,
        name="Running",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=120),
        applications_open_on=today - timedelta(days=120),
        applications_close_on=today - timedelta(days=90),
        matching_on=today - timedelta(days=70),
    )
    Cycle.objects.create(
        program=program,
        name="Next",
        starts_on=today + timedelta(days=130),
        ends_on=today + timedelta(days=310),
        applications_open_on=today,
        applications_close_on=today + timedelta(days=20),
        matching_on=today + timedelta(days=25),
    )
    zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Europe/Paris"]
    # Everyone can sign in (applications are only announced to people with a login).
    users = User.objects.bulk_create(User(email=f"p{i}@bench.example.gov", password="!") for i in range(n))
    people = Person.objects.bulk_create(
        Person(
            first_name=f"P{i}",
            last_name="Bench",
            email=f"p{i}@bench.example.gov",
            department=department,
            time_zone=zones[i % len(zones)],
            user=users[i],
        )
        for i in range(n)
    )
    half = n // 2
    Enrollment.objects.bulk_create(
        Enrollment(cycle=running, person=p, role="mentor" if i < half else "mentee", status="approved")
        for i, p in enumerate(people)
    )
    Mentorship.objects.bulk_create(
        Mentorship(cycle=running, mentor=people[i], mentee=people[half + i], started_on=today - timedelta(weeks=7))
        for i in range(half)
    )
    event = Event.objects.create(
        program=program,
        cycle=running,
        kind="social",
        title="Bench social",
        location="Hall",
        starts_at=timezone.now() + timedelta(days=6),
        ends_at=timezone.now() + timedelta(days=6, hours=2),
    )
    Event.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(days=20))
    event.refresh_from_db()
    ct = content_type_id(Event)
    Delivery.objects.bulk_create(
        Delivery(
            email=p.email,
            person=p,
            kind=Kind.EVENT_INVITATION,
            content_type_id=ct,
            object_id=event.pk,
            due=invitation_due(event),
            status=Delivery.Status.SENT,
        )
        for p in people
    )
    Delivery.objects.filter(kind=Kind.EVENT_INVITATION).update(created_at=event.created_at)


def deliver_with_drops(ids: list[int], interval: float) -> str:
    """Send `ids` in-process while our database sessions are terminated every `interval` s."""
    import uuid
    from collections import Counter
    from datetime import timedelta

    from django.core import mail
    from django.db import InterfaceError, OperationalError, connection
    from django.utils import timezone

    from notifications.models import Delivery
    from notifications.services import delivery_send
    from notifications.tests.integration import ConnectionDropper

    tag = f"bench-drops-{uuid.uuid4().hex[:6]}"
    connection.close()
    connection.settings_dict.setdefault("OPTIONS", {})["application_name"] = tag
    mail.outbox = []
    retries = 0
    t = time.perf_counter()
    with ConnectionDropper(tag, interval=interval) as dropper:
        for pk in ids:
            for _attempt in range(6):  # the task's autoretry, without its backoff
                try:
                    delivery_send(delivery_id=pk, claim_token=f"bench-{pk}")
                    break
                except (OperationalError, InterfaceError):
                    retries += 1
                    connection.close()
    drops_s = time.perf_counter() - t
    connection.close()
    connection.settings_dict["OPTIONS"].pop("application_name", None)
    # The sweep's stale-claim rule, a day later: only rows never marked are taken again.
    left = list(Delivery.objects.filter(pk__in=ids).exclude(status=Delivery.Status.SENT).values_list("pk", flat=True))
    for pk in left:
        delivery_send(delivery_id=pk, now=timezone.now() + timedelta(days=1))
    expected = set(Delivery.objects.filter(pk__in=ids).values_list("email", flat=True))
    counts = Counter(m.to[0] for m in mail.outbox)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    missing = len(expected - set(counts))
    return (
        f"drops: sent={len(mail.outbox)} drops_s={drops_s:.1f} emails_per_s={len(ids) / drops_s:.0f} "
        f"connections_dropped={dropper.dropped} task_retries={retries} stale_resent={len(left)} "
        f"duplicates={duplicates} missing={missing}"
    )


def _mail_balance(ids: list[int], mail_dir: Path) -> tuple[int, int, int]:
    """(sent, duplicates, missing), per recipient against what the delivery rows ask for: one
    person can have several deliveries (an event reminder and a nudge) in the same batch."""
    from collections import Counter

    from notifications.models import Delivery
    from notifications.tests.integration import count_per_recipient

    wanted = Counter(Delivery.objects.filter(pk__in=ids).values_list("email", flat=True))
    got = count_per_recipient(mail_dir)
    duplicates = sum(max(0, n - wanted[address]) for address, n in got.items())
    missing = sum(max(0, n - got[address]) for address, n in wanted.items())
    return sum(got.values()), duplicates, missing


def deliver_with_hung_redis(ids: list[int], hung_seconds: float) -> str:
    """Send `ids` through a real worker and a private Redis that hangs for `hung_seconds`."""
    import shutil
    import tempfile
    import uuid

    from django.conf import settings
    from django.db.models import Q
    from django.utils import timezone

    from common import breaker
    from notifications.services.claims import deliveries_queue, deliveries_to_queue
    from notifications.tests.conftest import celery_broker
    from notifications.tests.integration import RedisServer, Worker, queue_drained

    if not ids:
        return "hung: skipped (nothing left to send)"
    if not shutil.which("redis-server") and not Path("/usr/bin/redis-server").exists():
        return "hung: skipped (redis-server is not installed)"
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return "hung: skipped (needs PostgreSQL: the worker shares the bench database)"

    settings.REDIS_BREAKER_SECONDS = 1
    breaker.reset_all()
    scope = Q(pk__in=ids)
    with tempfile.TemporaryDirectory(prefix="bench-hung-") as tmp:
        workdir, mail_dir = Path(tmp) / "redis", Path(tmp) / "mail"
        workdir.mkdir()
        mail_dir.mkdir()
        server = RedisServer(workdir)
        server.start()
        queue = f"bench-hung-{uuid.uuid4().hex[:8]}"
        worker = Worker(
            broker_url=server.url,
            mail_dir=mail_dir,
            log_dir=Path(tmp),
            name="bench-hung",
            env={"CELERY_TASK_DEFAULT_QUEUE": queue, "REDIS_BREAKER_SECONDS": "1"},
        )
        worker.start()
        ticks_hung: list[float] = []
        try:
            with celery_broker(server.url, queue):
                started = time.perf_counter()
                hang_at, resume_at = started + 1.0, started + 1.0 + hung_seconds
                hung = False
                deadline = started + hung_seconds + 120 + len(ids) / 20
                while time.perf_counter() < deadline:
                    now = time.perf_counter()
                    if not hung and hang_at <= now < resume_at:
                        server.pause()
                        hung = True
                    elif hung and now >= resume_at:
                        server.resume()
                        hung = False
                    tick = time.perf_counter()
                    # One beat tick of the sweep, limited to this batch (chunks, as a big sweep
                    # would be cut by the breaker at its first failure anyway).
                    todo = deliveries_to_queue(now=timezone.now(), scope=scope)[:500]
                    deliveries_queue(ids=todo, now=timezone.now())
                    if hung:
                        ticks_hung.append(time.perf_counter() - tick)
                    if not hung and now >= resume_at and not todo and queue_drained(server.url, queue):
                        sent, _, missing = _mail_balance(ids, mail_dir)
                        if not missing:
                            break
                    time.sleep(0.5)
                total_s = time.perf_counter() - started
                time.sleep(2)  # anything a woken Redis still held would run now, and be counted
                sent, duplicates, missing = _mail_balance(ids, mail_dir)
                if missing:
                    Path("/tmp/bench-hung-worker.log").write_text(worker.log())
                    print("hung: e-mails missing; the worker's log is in /tmp/bench-hung-worker.log", file=sys.stderr)
        finally:
            server.resume()
            worker.stop()
            server.stop()
            breaker.reset_all()
    return (
        f"hung: sent={sent} hung_s={hung_seconds:.0f} longest_tick_while_hung_s={max(ticks_hung, default=0):.2f} "
        f"total_s={total_s:.1f} emails_per_s={sent / total_s:.0f} duplicates={duplicates} missing={missing}"
    )


def run(n: int, deliver: int, drop_interval: float, hung_seconds: float) -> str:
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.core import mail
    from django.db import connection

    from notifications.models import Delivery
    from notifications.services import delivery_send, sweep

    settings.PAIR_AT_RISK_WEEKS, settings.REMINDER_MENTEE_NUDGE_WEEKS = 4, 6
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"bench_reminders_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        t = time.perf_counter()
        build(n)
        with connection.cursor() as cursor:
            # Fresh bulk-loaded tables have no planner statistics yet; autovacuum would gather
            # them within a minute in production.
            cursor.execute("ANALYZE")
        build_s = time.perf_counter() - t
        ContentType.objects.clear_cache()  # every size starts cold, so query counts compare

        counter = QueryCounter()
        t = time.perf_counter()
        with connection.execute_wrapper(counter):
            result = sweep(queue=False)
        claim_s = time.perf_counter() - t
        claims = Delivery.objects.filter(status=Delivery.Status.PENDING).count()

        ContentType.objects.clear_cache()
        again = QueryCounter()
        t = time.perf_counter()
        with connection.execute_wrapper(again):
            sweep(queue=False)
        resweep_s = time.perf_counter() - t

        pending = list(
            Delivery.objects.filter(status=Delivery.Status.PENDING).order_by("pk").values_list("pk", flat=True)
        )
        ids = pending[:deliver] if deliver else pending[: len(pending) // 2]
        batch = deliver or len(pending)
        dropped_ids = pending[len(ids) : len(ids) + batch]
        hung_ids = pending[len(ids) + batch : len(ids) + 2 * batch]
        mail.outbox = []
        sending = QueryCounter()
        t = time.perf_counter()
        with connection.execute_wrapper(sending):
            outcomes = [delivery_send(delivery_id=pk) for pk in ids]
        deliver_s = time.perf_counter() - t
        sent = outcomes.count("sent")
        per_s = sent / deliver_s if deliver_s else 0
        return (
            f"participants={n} build_s={build_s:.1f} | claim_s={claim_s:.2f} claim_queries={counter.count} "
            f"claims={claims} ({result}) | resweep_s={resweep_s:.2f} resweep_queries={again.count} | "
            f"delivered={sent}/{len(ids)} deliver_s={deliver_s:.1f} emails_per_s={per_s:.0f} "
            f"queries_per_email={sending.count / max(1, len(ids)):.1f} | "
            + deliver_with_drops(dropped_ids, drop_interval)
            + " | "
            + deliver_with_hung_redis(hung_ids, hung_seconds)
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", default="1000,10000", help="comma-separated sizes")
    parser.add_argument("--deliver", type=int, default=3000, help="e-mails to send per size (0: all)")
    parser.add_argument("--drop-interval", type=float, default=0.25, help="seconds between connection drops")
    parser.add_argument("--hung-seconds", type=float, default=5.0, help="how long the private Redis hangs")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # locmem e-mail backend: measure our side, not an SMTP server
    for n in (int(s) for s in args.participants.split(",")):
        print(run(n, args.deliver, args.drop_interval, args.hung_seconds), flush=True)


if __name__ == "__main__":
    main()
