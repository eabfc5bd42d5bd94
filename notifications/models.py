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
    CIRCLE_JOINED = "circle_joined", "Seat in a mentoring circle"
    # Mails another app composed (common.mail.mail_queue): the row carries the rendered message.
    ACCOUNT_INVITATION = "account_invitation", "Account invitation"
    ACCOUNT_MAIL = "account_mail", "Sign-in and password e-mail"
    MENTEE_CHOICE_DECLINED = "mentee_choice_declined", "Mentor declined a mentee's request"
    EXPORT_READY = "export_ready", "Export ready to download"
    ROSTER_APPLIED = "roster_applied", "Roster import applied"
    ROSTER_SEPARATIONS = "roster_separations", "Pairs ended by the roster"
    HELP_REPLY = "help_reply", "Coordinator replied to a help request"
    MEETING_REQUESTED = "meeting_requested", "Meeting time proposed (mentor)"
    MEETING_REQUEST_ACCEPTED = "meeting_request_accepted", "Proposed meeting accepted"
    MEETING_REQUEST_DECLINED = "meeting_request_declined", "Proposed meeting declined"


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


# Kinds whose message is rendered when queued (it carries a one-time token that is not stored
# anywhere else, or was composed by allauth); the others are rendered from fresh state.
COMPOSED = frozenset(
    {
        Kind.ACCOUNT_INVITATION,
        Kind.ACCOUNT_MAIL,
        Kind.MENTEE_CHOICE_DECLINED,
        Kind.EXPORT_READY,
        Kind.ROSTER_APPLIED,
        Kind.ROSTER_SEPARATIONS,
        # Composed by programs.emails in the recipient's time zone (programs cannot import notifications).
        Kind.HELP_REPLY,
        Kind.MEETING_REQUESTED,
        Kind.MEETING_REQUEST_ACCEPTED,
        Kind.MEETING_REQUEST_DECLINED,
    }
)


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # claimed, waiting for a worker
        SENDING = "sending", "Sending"  # a worker took it; stale after REMINDER_CLAIM_TIMEOUT
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"  # no longer due when a worker looked (opted out, answered...)
        FAILED = "failed", "Failed"  # refused for good (5xx, bad address) or REMINDER_MAX_ATTEMPTS spent

    email = models.EmailField("recipient address")
    person = models.ForeignKey(
        "profiles.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # Composed mails (a password reset to an address without a login) may be about nothing.
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
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
    # Fixed when the row is taken, before any SMTP call, so a re-send after a lost mark carries
    # the same Message-ID and the receiving systems can drop the copy.
    message_id = models.CharField(max_length=200, blank=True)
    # Which task run holds the claim (the Celery task id survives its own retries): a retry whose
    # previous attempt lost its connection before reaching SMTP takes the row back at once.
    claim_token = models.CharField(max_length=64, blank=True)
    # Set just before the SMTP call: a stale claim with this set may have been mailed already.
    handed_at = models.DateTimeField(null=True, blank=True)
    # The rendered message of a composed mail, encrypted with a key derived from SECRET_KEY (it
    # may hold a sign-in link); emptied once the row is finished. Empty for derived kinds, which
    # are rendered from fresh state when sent.
    payload = models.TextField(blank=True)
    # Who sees a permanent failure: that program's coordinators (the failed-mail page).
    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

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
            models.Index(fields=["status", "program"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.email} ({self.status})"

    @property
    def is_composed(self) -> bool:
        return self.kind in COMPOSED

    @property
    def is_nudge(self) -> bool:
        return self.kind in NUDGES
