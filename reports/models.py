"""Roster imports and exports that were too large to send back in the request."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse


class RosterImport(models.Model):
    """One uploaded HR roster: parsed once at preview, applied from exactly those parsed rows.

    `rows` holds every parsed line (JSON-safe values), so "apply" never re-reads a file that
    could have changed since the preview. `preview` holds what the preview page shows (counts and
    the first rows of each kind); it is recomputed against the database when the import is applied.
    """

    class Status(models.TextChoices):
        READING = "reading", "Being read"
        FAILED = "failed", "Could not be read"
        PREVIEWED = "previewed", "Waiting for review"
        APPLIED = "applied", "Applied"
        DISCARDED = "discarded", "Discarded"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    encoding = models.CharField(max_length=20, blank=True)
    columns = models.JSONField(default=list, help_text="Roster fields present in the file.")
    rows = models.JSONField(default=list)
    preview = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    # The uploaded file, kept only until a worker has read it into `rows` (at most 10 MB): in
    # the database rather than on disk, so it commits with the row that queues its reading and
    # any worker machine can read it.
    upload = models.BinaryField(null=True, blank=True, editable=False)
    preview_error = models.CharField(max_length=1000, blank=True)
    valid_rows_only = models.BooleanField(default=False)
    # Large files are applied by a worker: set when the user asks, so the page can say so.
    apply_requested_at = models.DateTimeField(null=True, blank=True)
    apply_error = models.CharField(max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Roster {self.filename} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("reports:roster-preview", args=[self.pk])

    @property
    def progress_key(self) -> str:
        return f"roster:{self.pk}"

    @property
    def is_working(self) -> bool:
        """A worker is reading the file or applying it: the page shows progress."""
        return self.status == self.Status.READING or (
            self.status == self.Status.PREVIEWED and self.apply_requested_at is not None
        )


def _token() -> str:
    return secrets.token_urlsafe(24)


class ExportFile(models.Model):
    """A large export built by a worker and fetched later through a login-protected link."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    token = models.CharField(max_length=64, unique=True, default=_token)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report = models.CharField(max_length=40)
    file_format = models.CharField(max_length=4)
    filters = models.JSONField(default=dict, blank=True)
    path = models.CharField(max_length=500, blank=True, help_text="Relative to MEDIA_ROOT.")
    filename = models.CharField(max_length=200, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.report}.{self.file_format} for {self.requested_by_id}"

    def get_absolute_url(self) -> str:
        return reverse("reports:export-download", args=[self.token])

    def get_status_url(self) -> str:
        return reverse("reports:export-status", args=[self.token])

    @property
    def progress_key(self) -> str:
        return f"export:{self.pk}"
