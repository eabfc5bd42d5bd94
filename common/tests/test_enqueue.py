"""The one enqueue path: never raises, never waits long, and leaves a row the sweep catches up."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from common import breaker
from common.enqueue import Outcome, enqueue, enqueue_on_commit, pending_tasks_queue, publish
from common.models import PendingTask
from notifications.tests.conftest import celery_broker
from reports import tasks as report_tasks
from surveys import tasks as survey_tasks

pytestmark = pytest.mark.django_db

NOBODY_LISTENS = "redis://127.0.0.1:1/0"
LATER = timedelta(minutes=5)


def test_with_the_broker_down_the_request_goes_on_and_a_row_waits(django_capture_on_commit_callbacks):
    with celery_broker(NOBODY_LISTENS):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit(survey_tasks.send_survey_invitations, 41)
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit(report_tasks.build_export_file, 42)  # breaker open: not even tried
        assert time.monotonic() - started < 1
    assert breaker.broker.is_open
    assert list(PendingTask.objects.values_list("task", "args")) == [
        ("surveys.tasks.send_survey_invitations", [41]),
        ("reports.tasks.build_export_file", [42]),
    ]


def test_a_rolled_back_request_leaves_no_row_and_queues_nothing(django_capture_on_commit_callbacks):
    with mock.patch.object(survey_tasks.send_survey_invitations, "apply_async") as sent:
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                enqueue_on_commit(survey_tasks.send_survey_invitations, 7)
                raise RuntimeError("the form was refused")
    assert not PendingTask.objects.exists() and not sent.called


def test_a_queued_task_leaves_no_row_and_names_its_row_in_the_message(django_capture_on_commit_callbacks):
    with mock.patch.object(survey_tasks.send_survey_invitations, "apply_async") as sent:
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit(survey_tasks.send_survey_invitations, 7)
    assert not PendingTask.objects.exists()
    assert "pending_task" in sent.call_args.kwargs["headers"]


def test_the_sweep_queues_rows_left_behind_once_they_are_old_enough(settings):
    settings.ENQUEUE_CATCH_UP_SECONDS = 60
    PendingTask.objects.create(task="surveys.tasks.send_survey_invitations", args=[5])
    with mock.patch.object(survey_tasks.send_survey_invitations, "apply_async") as sent:
        assert pending_tasks_queue() == 0  # its own request may still be publishing it
        assert pending_tasks_queue(now=timezone.now() + LATER) == 1
        assert pending_tasks_queue(now=timezone.now() + LATER) == 0  # queued once
    assert sent.call_count == 1 and sent.call_args.kwargs["args"] == (5,)
    assert not PendingTask.objects.exists()


def test_the_sweep_stops_at_the_first_broker_failure_and_keeps_the_rest():
    for pk in (1, 2, 3):
        PendingTask.objects.create(task="reports.tasks.build_export_file", args=[pk])
    with celery_broker(NOBODY_LISTENS):
        assert pending_tasks_queue(now=timezone.now() + LATER) == 0
    rows = list(PendingTask.objects.order_by("pk").values_list("attempts", "claimed_until", "last_error"))
    assert rows == [(1, None, "broker unreachable"), (0, None, "broker unreachable"), (0, None, "broker unreachable")]


def test_a_row_leased_by_another_sweep_is_left_to_it():
    PendingTask.objects.create(
        task="reports.tasks.build_export_file", args=[1], claimed_until=timezone.now() + timedelta(hours=1)
    )
    with mock.patch.object(report_tasks.build_export_file, "apply_async") as sent:
        assert pending_tasks_queue(now=timezone.now() + LATER) == 0
    assert not sent.called


def test_a_row_naming_no_task_is_dropped_with_an_error(caplog):
    PendingTask.objects.create(task="nowhere.tasks.gone", args=[])
    assert pending_tasks_queue(now=timezone.now() + LATER) == 0
    assert not PendingTask.objects.exists() and "no known task" in caplog.text


def test_a_task_that_starts_removes_its_row_so_the_sweep_does_not_run_it_again():
    row = PendingTask.objects.create(task="reports.tasks.purge_export_files", args=[])
    # What a worker does with a message a hung Redis ran late: the row goes as the task starts.
    report_tasks.purge_export_files.apply(headers={"pending_task": row.pk})
    assert not PendingTask.objects.exists()


def test_in_process_a_failing_task_never_reaches_the_page(caplog):
    with mock.patch("reports.services.exports.export_file_build", side_effect=ValueError("bad file")):
        assert publish(report_tasks.build_export_file, (1,)) is Outcome.FAILED_IN_PROCESS
        assert enqueue(report_tasks.build_export_file, 1) is False
    assert "failed in-process" in caplog.text


def test_a_hung_broker_costs_one_socket_timeout_then_nothing(settings):
    """A listening socket that never answers stands in for a Redis stopped with SIGSTOP."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # the kernel accepts connections; nobody reads them
    url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    try:
        with celery_broker(url):
            started = time.monotonic()
            assert enqueue(survey_tasks.send_survey_invitations, 1) is False
            first = time.monotonic() - started
            started = time.monotonic()
            assert enqueue(survey_tasks.send_survey_invitations, 1) is False
            second = time.monotonic() - started
    finally:
        silent.close()
    assert first < 1.0 and second < 0.05
