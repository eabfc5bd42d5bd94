"""Against the real PostgreSQL, Redis and Celery workers (marked `integration`).

Skipped with a reason when TEST_REDIS_URL's Redis or PostgreSQL is missing; under CI=true a
missing service fails the run instead. The tests that break things (kill a worker, stop Redis)
use their own worker processes and their own redis-server on a free port.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications import tasks
from notifications.enqueue import enqueue
from notifications.models import Delivery, Kind
from notifications.services.notices import event_scheduled_notify
from notifications.tests.conftest import backdate, celery_broker
from notifications.tests.integration import (
    ConnectionDropper,
    RedisServer,
    Worker,
    count_per_recipient,
    redis_ping,
    wait_for,
    worker_database_url,
)
from profiles.tests.factories import CoordinatorFactory, PersonFactory
from programs.models import RSVP, Enrollment, Event
from programs.tests.factories import CycleFactory, EnrollmentFactory, EventFactory, RSVPFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        _missing("TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
    if not redis_ping(url):
        _missing(f"Redis at TEST_REDIS_URL={url} does not answer")
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        _missing("the integration tests need PostgreSQL (DATABASE_URL)")
    return _per_xdist_worker(url)


def _per_xdist_worker(url: str) -> str:
    """Under pytest -n, each xdist worker gets the Redis database below TEST_REDIS_URL's
    (15 -> 14, 13, ...), so no worker consumes tasks queued against another's test database."""
    from urllib.parse import urlsplit, urlunsplit

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{max(0, base - 1 - int(worker[2:]))}"))


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def queue() -> str:
    """A queue of this test's own: other test runs sharing the Redis database never see its tasks."""
    return f"reminders-test-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def workers(transactional_db, tmp_path, mail_dir, queue):
    """Start workers with `workers.start(...)`; every one is stopped before the database is flushed."""
    started: list[Worker] = []

    class Workers:
        def start(self, broker_url: str, name: str = "w", env: dict | None = None, **kwargs) -> Worker:
            env = {"CELERY_TASK_DEFAULT_QUEUE": queue, **(env or {})}
            worker = Worker(broker_url=broker_url, mail_dir=mail_dir, log_dir=tmp_path, name=name, env=env, **kwargs)
            started.append(worker)
            worker.start()
            return worker

    yield Workers()
    for worker in started:
        worker.stop()


@pytest.fixture
def cycle_people():
    def make(count: int):
        cycle = CycleFactory()
        people = [PersonFactory() for _ in range(count)]
        for person in people:
            EnrollmentFactory(cycle=cycle, person=person, status=Enrollment.Status.APPROVED)
        return cycle, people

    return make


def _sent(kind: str | None = None) -> int:
    qs = Delivery.objects.filter(status=Delivery.Status.SENT)
    return (qs.filter(kind=kind) if kind else qs).count()


def _queue_drained(url: str, queue: str) -> bool:
    """Nothing waiting in our queue and nothing of ours taken but unacknowledged."""
    import redis

    client = redis.Redis.from_url(url)
    if client.llen(queue):
        return False
    # kombu keeps unacknowledged messages as [message, exchange, routing key] in one hash.
    return not any(json.loads(raw)[2] == queue for raw in client.hvals("unacked"))


def test_reminders_arrive_once_despite_duplicate_ticks_retries_and_two_workers(
    redis_url, workers, mail_dir, cycle_people, queue
):
    cycle, people = cycle_people(8)
    event = EventFactory(cycle=cycle, starts_at=timezone.now() + timedelta(days=6))
    backdate(event, created_at=timezone.now() - timedelta(days=14))
    for person in people:
        RSVPFactory(event=event, person=person, status=RSVP.Status.GOING)

    workers.start(redis_url, name="one")
    workers.start(redis_url, name="two")
    with celery_broker(redis_url, queue):
        for _ in range(3):  # beat ticking three times at once
            assert enqueue(tasks.sweep)
        wait_for(lambda: _sent(Kind.EVENT_REMINDER_WEEK) == 8, timeout=30, what="8 reminders sent")
        for pk in Delivery.objects.values_list("pk", flat=True):  # a retried task, twice over
            enqueue(tasks.deliver, pk)
            enqueue(tasks.deliver, pk)
        wait_for(lambda: _queue_drained(redis_url, queue), timeout=30, what="the queue to drain")
        time.sleep(0.5)

    counts = count_per_recipient(mail_dir, "In a week")
    assert counts == {person.email: 1 for person in people}
    assert Delivery.objects.count() == 8


def test_a_worker_killed_mid_batch_and_restarted_sends_every_email_exactly_once(
    redis_url, workers, mail_dir, cycle_people, queue
):
    cycle, people = cycle_people(30)
    worker = workers.start(
        redis_url,
        name="victim",
        env={
            "REMINDER_SEND_PAUSE_SECONDS": "0.25",  # a slow relay: the kill lands before a send
            "REMINDER_CLAIM_TIMEOUT_SECONDS": "3",
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        },
    )
    with celery_broker(redis_url, queue):
        event = EventFactory(cycle=cycle, starts_at=timezone.now() + timedelta(days=20))
        event_scheduled_notify(event_id=event.pk)  # claims 30 invitations and queues them

        # Kill while a send is in flight: the worker has taken a row and is pausing before SMTP.
        wait_for(
            lambda: _sent() >= 8 and Delivery.objects.filter(status=Delivery.Status.SENDING).exists(),
            timeout=30,
            interval=0.01,
            what="a third of the batch, with a send in flight",
        )
        worker.kill()
        sent_before = _sent()
        taken = list(Delivery.objects.filter(status=Delivery.Status.SENDING).values_list("pk", flat=True))
        assert sent_before < 30, "the kill came too late to be mid-batch"

        worker.start()
        deadline = time.monotonic() + 60
        while _sent() < 30 and time.monotonic() < deadline:
            enqueue(tasks.sweep)  # what beat does every few minutes
            time.sleep(2)
        wait_for(lambda: _queue_drained(redis_url, queue), timeout=30, what="the queue to drain")

    counts = count_per_recipient(mail_dir, "You're invited")
    assert counts == {person.email: 1 for person in people}, worker.log()[-2000:]
    assert _sent() == 30
    for pk in taken:  # the send the kill interrupted went out, once
        assert Delivery.objects.get(pk=pk).status == Delivery.Status.SENT
    # Acknowledged late: the task the killed worker held was handed out again after the restart.
    before, after = worker.log().split("===== start 2 =====")
    received = set(re.findall(r"deliver\[([0-9a-f-]+)\] received", before))
    finished = set(re.findall(r"deliver\[([0-9a-f-]+)\] succeeded", before))
    interrupted = received - finished
    assert interrupted, "the kill found no task in flight"
    assert all(f"deliver[{task_id}] received" in after for task_id in interrupted)


def test_with_redis_stopped_a_page_still_schedules_the_event_and_mail_follows_when_it_returns(
    redis_url, workers, mail_dir, tmp_path, client, cycle_people, queue
):
    cycle, people = cycle_people(3)
    # An event scheduled long ago whose day-before reminder falls due during the outage.
    tomorrow = EventFactory(cycle=cycle, title="Tomorrow's workshop", starts_at=timezone.now() + timedelta(hours=20))
    backdate(tomorrow, created_at=timezone.now() - timedelta(days=10))
    for person in people:
        RSVPFactory(event=tomorrow, person=person, status=RSVP.Status.GOING)
    coordinator = CoordinatorFactory()
    cycle.program.coordinators.add(coordinator)
    client.force_login(coordinator)

    if not shutil.which("redis-server"):
        _missing("redis-server is not installed (apt-get install redis-server)")
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    try:
        workers.start(redis_server.url, name="outage")
        with celery_broker(redis_server.url, queue):
            redis_server.stop()

            start = timezone.localtime() + timedelta(days=14)
            started = time.monotonic()
            response = client.post(
                reverse("programs:event-create", args=[cycle.program.slug]),
                {
                    "kind": Event.Kind.SOCIAL,
                    "title": "Networking breakfast",
                    "cycle": cycle.pk,
                    "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                    "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                    "location": "Cafeteria",
                    "guests_per_person": 0,
                },
            )
            elapsed = time.monotonic() - started
            assert response.status_code == 302, response.content.decode()[:2000]
            assert elapsed < 10
            breakfast = Event.objects.get(title="Networking breakfast")
            invitations = Delivery.objects.filter(kind=Kind.EVENT_INVITATION, object_id=breakfast.pk)
            assert invitations.count() == 3  # claimed in the database, waiting
            assert not invitations.filter(enqueued_at__isnull=False).exists()
            assert not any(mail_dir.iterdir())

            redis_server.start()  # same port: the worker reconnects
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not (
                _sent(Kind.EVENT_INVITATION) == 3 and _sent(Kind.EVENT_REMINDER_DAY) == 3
            ):
                enqueue(tasks.sweep)  # beat's next tick
                time.sleep(2)

        assert count_per_recipient(mail_dir, "You're invited: Networking breakfast") == {p.email: 1 for p in people}
        assert count_per_recipient(mail_dir, "Tomorrow: Tomorrow's workshop") == {p.email: 1 for p in people}
    finally:
        redis_server.stop()


def test_dropping_the_workers_database_connections_mid_batch_mails_each_person_exactly_once(
    redis_url, workers, mail_dir, cycle_people, queue
):
    """The reported failure: connections dropped during a large batch sent some people the same
    mail twice (accepted by the relay, mark lost, claim went stale, sent again). Two workers send
    300 invitations while another session terminates theirs every 0.15 s, including while a send
    is at the relay, so the next query, the mark, finds its connection gone."""
    cycle, people = cycle_people(300)
    tag = f"mail-drop-{uuid.uuid4().hex[:8]}"
    env = {
        "DATABASE_URL": worker_database_url(application_name=tag),
        # A relay that takes a moment to accept: the connection sits idle meanwhile and the
        # dropper ends it, so the mark after the relay's acceptance meets a dead connection.
        "REMINDER_SEND_PAUSE_SECONDS": "0.03",
        "REMINDER_RETRY_BACKOFF_SECONDS": "1",
        "REMINDER_MARK_RETRY_SECONDS": "5",
        "REMINDER_SEND_TIME_LIMIT": "8",
        "REMINDER_CLAIM_TIMEOUT_SECONDS": "20",
        "REMINDER_REQUEUE_MINUTES": "0",
    }
    one = workers.start(redis_url, name="drop-one", env=env)
    two = workers.start(redis_url, name="drop-two", env=env)
    with celery_broker(redis_url, queue):
        event = EventFactory(cycle=cycle, starts_at=timezone.now() + timedelta(days=20))
        with ConnectionDropper(tag, interval=0.15) as dropper:
            event_scheduled_notify(event_id=event.pk)  # claims 300 invitations and queues them
            wait_for(lambda: _sent() >= 200, timeout=240, interval=0.5, what="two thirds of the batch")
        # Drops over; what a dropped take or release left behind is caught up by beat's sweep.
        deadline = time.monotonic() + 120
        while _sent() < 300 and time.monotonic() < deadline:
            enqueue(tasks.sweep)
            time.sleep(2)
        wait_for(lambda: _queue_drained(redis_url, queue), timeout=60, what="the queue to drain")
        time.sleep(1)

    logs = one.log() + two.log()
    counts = count_per_recipient(mail_dir, "You're invited")
    duplicates = {email: n for email, n in counts.items() if n > 1}
    missing = {p.email for p in people} - set(counts)
    assert dropper.dropped >= 10, f"only {dropper.dropped} connections dropped"
    assert "while marking delivery" in logs, "no drop landed between the relay's acceptance and the mark"
    assert not duplicates, duplicates
    assert not missing, sorted(missing)[:10]
    assert _sent() == 300 and Delivery.objects.count() == 300
    assert not Delivery.objects.exclude(payload="").exists()
