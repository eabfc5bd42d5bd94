"""Claiming sends and handing them to workers.

A claim is a Delivery row. Rows are inserted with ON CONFLICT DO NOTHING on the once-only key
inside the transaction that decided the send, so deciding twice (a duplicated beat tick, two
workers, a retried task) leaves one row. Queuing happens after commit and may fail (Redis down):
the row stays pending with no `enqueued_at` and the next sweep queues it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import Delivery
from profiles.models import Person


def content_type_id(model: type[models.Model] | models.Model) -> int:
    return ContentType.objects.get_for_model(model).pk


def claims_for_people(
    people: Iterable[Person] | Iterable[tuple[int, str]],
    *,
    kind: str,
    obj: models.Model,
    due: date,
    variant: str = "",
) -> list[Delivery]:
    """Unsaved Delivery rows for each person (a Person, or a (pk, email) pair)."""
    ct = content_type_id(obj)
    rows = []
    for person in people:
        pk, email = (person.pk, person.email) if isinstance(person, Person) else person
        rows.append(
            Delivery(
                email=email.lower(),
                person_id=pk,
                kind=kind,
                content_type_id=ct,
                object_id=obj.pk,
                due=due,
                variant=variant,
            )
        )
    return rows


def deliveries_claim(*, rows: list[Delivery]) -> int:
    """Insert the claims; rows whose key exists already are ignored. Returns how many were tried.

    One INSERT however many rows (PostgreSQL takes them in a single statement).
    """
    if not rows:
        return 0
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def deliveries_to_queue(*, now: datetime, scope: Q | None = None) -> list[int]:
    """Pending deliveries never queued (or queued long ago), and sends a dead worker left behind."""
    requeue_before = now - timedelta(minutes=settings.REMINDER_REQUEUE_MINUTES)
    stale_before = now - timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS)
    due = (
        Q(status=Delivery.Status.PENDING, enqueued_at__isnull=True)
        | Q(status=Delivery.Status.PENDING, enqueued_at__lt=requeue_before)
        | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale_before)
    )
    qs = Delivery.objects.filter(due)
    if scope is not None:
        qs = qs.filter(scope)
    return list(qs.order_by("pk").values_list("pk", flat=True))


def deliveries_queue(*, ids: list[int], now: datetime | None = None) -> int:
    """Hand each delivery to a worker (or send it in-process when there is no broker).

    Stops at the first broker failure: the rest stay unqueued and the next sweep takes them.
    """
    from notifications import tasks
    from notifications.enqueue import enqueue

    if not ids:
        return 0
    queued: list[int] = []
    for pk in ids:
        if not enqueue(tasks.deliver, pk):
            if not tasks.deliver.app.conf.task_always_eager:
                break  # the broker is down; don't wait on it once per row
            continue
        queued.append(pk)
    if queued:
        Delivery.objects.filter(pk__in=queued).update(enqueued_at=now or timezone.now())
    return len(queued)


def queue_after_commit(*, scope: Q) -> None:
    """After the deciding transaction commits, queue what it claimed."""

    def _queue() -> None:
        now = timezone.now()
        deliveries_queue(ids=deliveries_to_queue(now=now, scope=scope), now=now)

    transaction.on_commit(_queue)


def deliveries_purge(*, now: datetime | None = None, keep_days: int = 400) -> int:
    """Forget finished deliveries older than any key that could still come due (a cycle is six
    months; surveys and digests are shorter). Pending and sending rows are never purged."""
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    finished = [Delivery.Status.SENT, Delivery.Status.SKIPPED, Delivery.Status.FAILED]
    deleted, _ = Delivery.objects.filter(status__in=finished, created_at__lt=cutoff).delete()
    return deleted
