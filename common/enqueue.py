"""The one way to hand work to Celery, from a web request, a task or the sweep.

Neither function ever raises into its caller because of the broker, and neither blocks for more
than the broker's short socket timeouts (REDIS_CONNECT_TIMEOUT / REDIS_SOCKET_TIMEOUT, a fraction
of a second): publishing is tried once, without Celery's waiting retries, and after a failure
the broker breaker (common.breaker) skips Redis altogether for REDIS_BREAKER_SECONDS.

- `enqueue(task, *args)` publishes now and says whether Celery took it. For callers whose own
  rows already record what is still to do (notifications' Delivery rows, survey invitations).
- `enqueue_on_commit(task, *args)` is for everything else: inside the transaction that asks for
  the work it writes a PendingTask row; after commit it publishes and deletes the row. A row
  left behind (Redis down or hung) is queued by the periodic sweep (`pending_tasks_queue`).
  Every task queued this way must be safe to run twice: a hung Redis may run a publish it had
  buffered when it wakes up, after the sweep has queued the same work again.

With no broker (Celery's eager mode) the task runs in-process at the moment it is queued; its
failure is logged and never reaches the page, as a worker's failure would not.
"""

from __future__ import annotations

import enum
import importlib
import logging
from datetime import datetime, timedelta
from typing import Any

from celery import Task, current_app
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from common import breaker
from common.models import PendingTask

logger = logging.getLogger("common.enqueue")


class Outcome(enum.Enum):
    QUEUED = "queued"  # Celery has it (or, eager, it ran)
    UNREACHABLE = "unreachable"  # the broker refused, timed out, or the breaker is open
    FAILED_IN_PROCESS = "failed"  # eager mode: the task ran here and raised


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError as KombuOperationalError
    from redis.exceptions import RedisError

    return (KombuOperationalError, RedisError, ConnectionError, OSError, TimeoutError)


def publish(task: Task, args: tuple = (), kwargs: dict | None = None, headers: dict | None = None) -> Outcome:
    """Publish once; never raise because of the broker."""
    if task.app.conf.task_always_eager:
        try:
            task.apply_async(args=args, kwargs=kwargs, headers=headers)
        except Exception:
            logger.exception("Task %s%r failed in-process.", task.name, args)
            return Outcome.FAILED_IN_PROCESS
        return Outcome.QUEUED
    if not breaker.broker.allow():
        logger.info("Broker breaker open: %s%r left for the sweep.", task.name, args)
        return Outcome.UNREACHABLE
    try:
        # retry=False: Celery's publish retries sleep between attempts, which a page cannot afford.
        # A connection Redis closed (a restart) is re-opened by redis-py's pool before use anyway.
        task.apply_async(args=args, kwargs=kwargs, headers=headers, retry=False)
    except _broker_errors() as exc:
        breaker.broker.failure(exc)
        logger.warning("Could not queue %s%r: %s. The sweep will pick the work up.", task.name, args, exc)
        return Outcome.UNREACHABLE
    breaker.broker.success()
    return Outcome.QUEUED


def enqueue(task: Task, *args: Any, **kwargs: Any) -> bool:
    """Queue `task` now; True if Celery took it (eager: if it ran without raising)."""
    return publish(task, args, kwargs) is Outcome.QUEUED


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Queue `task(*args)` once the current transaction commits; the sweep queues it if that fails.

    Call it inside the transaction that records the work (the export row, the run, ...), so the
    PendingTask row commits or rolls back with it. `args` must be JSON values (ids).
    """
    row = PendingTask.objects.create(task=task.name, args=list(args))

    def _publish_after_commit() -> None:
        if publish(task, args, headers={HEADER: row.pk}) is not Outcome.UNREACHABLE:
            _forget(row.pk)

    transaction.on_commit(_publish_after_commit)


# The message of a task queued through a PendingTask row names the row, so the task, once it
# starts, deletes it (see `task_started`): a publish that timed out against a hung Redis but that
# Redis ran when it woke up then leaves nothing for the sweep to queue a second time.
HEADER = "pending_task"


def task_started(sender: Task | None = None, task: Task | None = None, **kwargs: Any) -> None:
    """Celery's task_prerun: the work is under way, so its catch-up row is no longer needed."""
    request = getattr(task, "request", None)
    pk = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    if pk:
        _forget(pk)


def _forget(pk: int) -> None:
    try:
        PendingTask.objects.filter(pk=pk).delete()
    except DatabaseError:
        # The task is queued; the sweep will queue it again, which every such task tolerates.
        logger.warning("Could not delete PendingTask %s after queuing it.", pk, exc_info=True)


def _task_by_name(name: str) -> Task | None:
    if name not in current_app.tasks:
        try:  # tasks modules are imported by the worker at start, not always by the web process
            importlib.import_module(name.rsplit(".", 1)[0])
        except ImportError:
            return None
    return current_app.tasks.get(name)


def catch_up_before(now: datetime) -> datetime:
    """Rows younger than this may still be being published by their own request."""
    return now - timedelta(seconds=settings.ENQUEUE_CATCH_UP_SECONDS)


def pending_tasks_queue(*, now: datetime | None = None, limit: int = 500) -> int:
    """Queue the PendingTask rows their requests could not queue. Returns how many were queued.

    Rows are leased (claimed_until) in a short transaction, then published outside it, so two
    sweeps at once never queue the same row and no lock is held while talking to Redis. Stops at
    the first broker failure: the rest wait for the next sweep.
    """
    now = now or timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    with transaction.atomic():
        rows = list(
            PendingTask.objects.select_for_update(skip_locked=True)
            .filter(free, created_at__lte=catch_up_before(now))
            .order_by("pk")[:limit]
        )
        PendingTask.objects.filter(pk__in=[r.pk for r in rows]).update(claimed_until=now + timedelta(minutes=5))
    queued = 0
    for index, row in enumerate(rows):
        task = _task_by_name(row.task)
        if task is None:
            logger.error("PendingTask %s names no known task %r; dropped.", row.pk, row.task)
            _forget(row.pk)
            continue
        outcome = publish(task, tuple(row.args), headers={HEADER: row.pk})
        if outcome is Outcome.UNREACHABLE:
            left = [r.pk for r in rows[index:]]
            PendingTask.objects.filter(pk__in=left).update(claimed_until=None, last_error="broker unreachable")
            PendingTask.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
            break
        _forget(row.pk)
        queued += outcome is Outcome.QUEUED
    return queued
