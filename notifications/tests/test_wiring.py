"""Celery wiring: one beat schedule, tasks registered, late acknowledgement, purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from mentorship.celery import app
from notifications import tasks
from notifications.models import Delivery, Kind
from notifications.services.claims import content_type_id, deliveries_purge
from profiles.tests.factories import PersonFactory


def test_every_periodic_task_is_declared_in_the_beat_schedule_and_registered():
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {
        "notifications.tasks.sweep",
        "notifications.tasks.purge",
        "surveys.tasks.purge_drafts",
        "surveys.tasks.release_pools",
        "reports.tasks.purge_export_files",
    }
    for entry in schedule.values():
        assert entry["task"] in app.tasks


def test_tasks_are_acknowledged_late_and_requeued_when_a_worker_dies():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert tasks.deliver.acks_late and tasks.deliver.reject_on_worker_lost
    # A send still running must never be handed out again by the stale-claim rule.
    assert tasks.deliver.time_limit < settings.REMINDER_CLAIM_TIMEOUT_SECONDS


def test_without_a_broker_tasks_run_in_process():
    assert app.conf.task_always_eager is True


@pytest.mark.django_db
def test_purge_forgets_old_finished_rows_but_never_pending_ones():
    person = PersonFactory()
    ct = content_type_id(person)
    old = timezone.now() - timedelta(days=500)
    rows = [
        Delivery(
            email=f"{status}@example.gov",
            person=person,
            kind=Kind.MATCHED,
            content_type_id=ct,
            object_id=person.pk,
            due=old.date(),
            status=status,
        )
        for status in (Delivery.Status.SENT, Delivery.Status.PENDING, Delivery.Status.FAILED)
    ]
    Delivery.objects.bulk_create(rows)
    Delivery.objects.update(created_at=old)
    assert deliveries_purge() == 2
    assert list(Delivery.objects.values_list("status", flat=True)) == [Delivery.Status.PENDING]
