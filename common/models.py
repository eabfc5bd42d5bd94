"""Models of the cross-cutting helpers: the tasks still to hand to Celery."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PendingTask(models.Model):
    """Work a request asked for, written in the same transaction as the work's own rows.

    `enqueue_on_commit` deletes the row once Celery has the task. A row that is still here a while
    later was never queued (Redis down or hung at the time): the periodic sweep queues it.
    """

    task = models.CharField(max_length=200, help_text="Celery task name.")
    args = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # A sweep leases the rows it is queuing, so two sweeps at once never queue one row twice.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times the sweep failed to queue it.")
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)!r}"
