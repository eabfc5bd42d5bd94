"""Flash mentoring: one conversation with an expert about one skill, no program or cycle needed.

A participant asks from Find expertise; the expert accepts with a time or declines. Each expert
says whether they take such requests and how many a month. Afterwards the person who asked
answers one question, "Was it useful?". Coordinators see volumes, never notes or answers by name.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q

from profiles.models import Person, Skill

DEFAULT_PER_MONTH = 2
MAX_PER_MONTH = 8
LENGTHS = ((30, "30 minutes"), (45, "45 minutes"), (60, "60 minutes"))


class ExpertAvailability(models.Model):
    """An expert's own choice; without a row, people willing to mentor take DEFAULT_PER_MONTH."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="flash_availability")
    accepts = models.BooleanField("take flash conversation requests", default=True)
    per_month = models.PositiveSmallIntegerField("conversations a month", default=DEFAULT_PER_MONTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "expert availabilities"
        constraints = [models.CheckConstraint(name="flash_per_month_range", condition=Q(per_month__lte=MAX_PER_MONTH))]

    def __str__(self) -> str:
        return f"{self.person}: {self.per_month} a month" if self.accepts else f"{self.person}: not taking requests"


class FlashConversation(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.REQUESTED, Status.ACCEPTED)

    requester = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="flash_asked")
    expert = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="flash_received")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="flash_conversations")
    minutes = models.PositiveSmallIntegerField(choices=LENGTHS, default=30)
    note = models.TextField("what you would like to talk about", max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    starts_at = models.DateTimeField(null=True, blank=True)
    expert_message = models.CharField(max_length=500, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # RFC 5545 SEQUENCE of the invitation and the calendar feed entry.
    sequence = models.PositiveIntegerField(default=0)
    useful = models.BooleanField(null=True, blank=True)
    feedback = models.CharField(max_length=500, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["expert", "status", "starts_at"]), models.Index(fields=["requester", "status"])]
        constraints = [
            models.CheckConstraint(name="flash_not_with_oneself", condition=~Q(requester=models.F("expert"))),
            models.CheckConstraint(
                name="flash_accepted_has_a_time", condition=~Q(status="accepted") | Q(starts_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} asks {self.expert} about {self.skill}"

    @property
    def ends_at(self) -> datetime | None:
        return self.starts_at + timedelta(minutes=self.minutes) if self.starts_at else None
