"""Deliveries: one row per e-mail the program decided to send.

The row is the claim. Its unique key (recipient address, kind, object, due date, variant) is
inserted in the same transaction that decides a message is due, so a duplicated beat tick, a
retried task or two workers deciding at once end up with one row, and only the worker that
moves that row from pending to sending mails it. See docs/operations.md, "Sent once".
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Kind(models.TextChoices):
    EVENT_INVITATION = "event_invitation", "Event invitation"
    EVENT_REMINDER_WEEK = "event_reminder_week", "Event reminder, 7 days before"
    EVENT_REMINDER_DAY = "event_reminder_day", "Event reminder, 1 day before"
    EVENT_CHANGED = "event_changed", "Event changed"
    EVENT_CANCELLED = "event_cancelled", "Event cancelled"
    RSVP_PROMOTED = "rsvp_promoted", "Seat freed from the waitlist"
    APPLICATIONS_OPEN = "applications_open", "Applications open"
    APPLICATIONS_CLOSING = "applications_closing", "Applications close soon"
    ENROLLMENT_DECISION = "enrollment_decision", "Application decision"
    MATCHED = "matched", "You have been matched"
    CHOICE_DEADLINE = "choice_deadline", "Mentee-choice deadline"
    MEETING_NUDGE_MENTOR = "meeting_nudge_mentor", "No meeting logged (mentor)"
    MEETING_NUDGE_MENTEE = "meeting_nudge_mentee", "No meeting logged (mentee)"
    HELP_REQUESTED = "help_requested", "Help requested (coordinator)"
    SURVEY_INVITATION = "survey_invitation", "Survey invitation"
    SURVEY_REMINDER = "survey_reminder", "Survey reminder"
    COORDINATOR_DIGEST = "coordinator_digest", "Coordinator weekly digest"
    FLASH_REQUESTED = "flash_requested", "Flash conversation requested (expert)"
    FLASH_ACCEPTED = "flash_accepted", "Flash conversation accepted"
    FLASH_DECLINED = "flash_declined", "Flash conversation declined"


# Nudges can be turned off (Person.receives_nudges); everything else is an essential notice.
NUDGES = frozenset(
    {
        Kind.EVENT_REMINDER_WEEK,
        Kind.EVENT_REMINDER_DAY,
        Kind.APPLICATIONS_OPEN,
        Kind.APPLICATIONS_CLOSING,
        Kind.CHOICE_DEADLINE,
        Kind.MEETING_NUDGE_MENTOR,
        Kind.MEETING_NUDGE_MENTEE,
        Kind.SURVEY_REMINDER,
    }
)


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # claimed, waiting for a worker
        SENDING = "sending", "Sending"  # a worker took it; stale after REMINDER_CLAIM_TIMEOUT
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"  # no longer due when a worker looked (opted out, answered...)
        FAILED = "failed", "Failed"  # gave up after REMINDER_MAX_ATTEMPTS

    email = models.EmailField("recipient address")
    person = models.ForeignKey(
        "profiles.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    due = models.DateField(help_text="The day this message became due; part of the once-only key.")
    # Tells versions apart under one due date: the event sequence, the decision taken.
    variant = models.CharField(max_length=40, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "kind", "content_type", "object_id", "due", "variant"], name="delivery_once"
            )
        ]
        indexes = [
            models.Index(fields=["status", "enqueued_at"]),
            models.Index(fields=["content_type", "object_id", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.email} ({self.status})"

    @property
    def is_nudge(self) -> bool:
        return self.kind in NUDGES
