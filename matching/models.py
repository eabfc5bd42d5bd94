"""Matching in the app: per-cycle settings and bans, match runs and their proposals, mentee choices.

The engine (matching/engine/) knows nothing of these; matching/services/ translates between them.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from profiles.models import Person
from programs.models import Cycle, Mentorship


class MatchSettings(models.Model):
    """What the coordinator chose for a cycle's matching: engine settings (JSON) and the mode."""

    class Mode(models.TextChoices):
        OPTIMAL = "optimal", "Best total score"
        STABLE = "stable", "Stable (nobody would rather swap)"

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="match_settings")
    # matching.engine.Settings.to_dict() without tz_reference (that comes from the cycle's start).
    data = models.JSONField(default=dict, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.OPTIMAL)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "match settings"

    def __str__(self) -> str:
        return f"Match settings of {self.cycle}"


class MatchBan(models.Model):
    """A coordinator's 'never pair these two' for one cycle, with the reason."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="match_bans")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["cycle", "mentor", "mentee"], name="unique_match_ban")]

    def __str__(self) -> str:
        return f"Ban {self.mentor} → {self.mentee}"


class MatchRun(models.Model):
    """One run of the engine over a cycle, and the coordinator's review of its proposals."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="match_runs")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns",
        help_text="The run whose locks and rejections this one started from.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    message = models.CharField(max_length=1000, blank=True)
    mode = models.CharField(max_length=10, choices=MatchSettings.Mode.choices, default=MatchSettings.Mode.OPTIMAL)
    settings = models.JSONField(default=dict, help_text="Engine settings as they were when the run started.")
    # What a re-run carries over from its parent: {"locks": [[mentor, mentee]...], "bans": [...]}.
    inputs = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    mentee_count = models.PositiveIntegerField(default=0)
    mentor_count = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    total_score = models.FloatField(default=0)
    coverage_mentees = models.FloatField(default=0, help_text="Share of mentees matched (0-1).")
    coverage_goals = models.FloatField(default=0, help_text="Share of mentees' IDP goals a matched mentor covers.")
    timings = models.JSONField(default=dict, blank=True)
    # Mentees left out by the engine: [{"mentee_id", "reason", "detail"}].
    unmatched = models.JSONField(default=list, blank=True)
    # The engine's proof of optimality (best-total mode): no allowed pair outside its candidate
    # lists could raise the total (matching/engine/certify.py).
    certificate_proven = models.BooleanField(default=False)
    certificate_rounds = models.PositiveIntegerField(default=0, help_text="Pricing rounds over the pruned pairs.")
    certificate_pairs_added = models.PositiveIntegerField(
        default=0, help_text="Pairs outside the first candidate lists that the certificate added."
    )
    tie_seed = models.BigIntegerField(default=0, help_text="Seed of the order that broke exact ties.")
    class Publishing(models.TextChoices):
        NONE = "", "Not requested"
        QUEUED = "queued", "Waiting to publish"
        RUNNING = "running", "Publishing"
        FAILED = "failed", "Refused"

    # Publishing runs in the background too: a big cycle means thousands of pairs, each checked.
    publish_state = models.CharField(max_length=10, choices=Publishing.choices, default="", blank=True)
    publish_message = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["cycle", "-created_at"])]

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.cycle}"

    def get_absolute_url(self) -> str:
        return reverse("matching:run-detail", args=[self.pk])

    @property
    def progress_key(self) -> str:
        return f"match-run:{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_publishing(self) -> bool:
        return self.publish_state in (self.Publishing.QUEUED, self.Publishing.RUNNING)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DONE and self.published_at is None and not self.is_publishing

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class MatchProposal(models.Model):
    """A proposed pair in a run. Rejected rows stay, so a re-run knows to avoid the pair."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        LOCKED = "locked", "Locked"
        REJECTED = "rejected", "Rejected"
        ADDED = "added", "Added by hand"

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    # {"components": {name: points}, "goals": [{skill, skill_name, target, priority, mentor_level,
    #  points, covered}], "removed": [{mentor_id, mentor_name, rules}], "below_min_score": n}
    explanation = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # Set when the pair was already an active Mentorship of the cycle when the run started.
    mentorship = models.ForeignKey(Mentorship, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "mentee"], condition=~Q(status="rejected"), name="one_live_proposal_per_mentee"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee} ({self.score:.1f})"

    @property
    def is_live(self) -> bool:
        return self.status != self.Status.REJECTED


class MenteeChoice(models.Model):
    """A mentee's ranked request for a suggested mentor (cycles with mentee choice on)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the mentor"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="mentee_choices")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentor_choices")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentee_requests")
    rank = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 = first choice; empty once declined.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField("note to the mentee", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "mentee", "mentor"], name="unique_mentee_choice"),
            models.UniqueConstraint(
                fields=["cycle", "mentee", "rank"], condition=Q(rank__isnull=False), name="unique_choice_rank"
            ),
        ]
        indexes = [models.Index(fields=["mentor", "status"])]

    def __str__(self) -> str:
        return f"{self.mentee} asks {self.mentor} (rank {self.rank})"
