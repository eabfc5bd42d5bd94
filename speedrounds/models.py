"""Speed rounds at an event: who took part as what, the rotation, and "I'd like to work with
this person" wishes, which matching counts as a small preference (matching.services.inputs)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from profiles.models import Person
from programs.models import Event


class Schedule(models.Model):
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="speed_rounds")
    minutes_per_round = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(2), MaxValueValidator(60)]
    )
    rounds = models.PositiveSmallIntegerField()
    # Pairs the hard rules kept apart, for the coordinator: [[mentor_id, mentee_id], ...]
    kept_apart = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Speed rounds at {self.event}"


class Seat(models.Model):
    class Role(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        MENTEE = "mentee", "Mentee"

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="seats")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="speed_round_seats")
    role = models.CharField(max_length=6, choices=Role.choices)
    table = models.PositiveSmallIntegerField(null=True, blank=True, help_text="A mentor's table; mentees move.")

    class Meta:
        ordering = ["schedule", "role", "table", "pk"]
        constraints = [models.UniqueConstraint(fields=["schedule", "person"], name="one_seat_per_person")]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})"


class SpeedMeeting(models.Model):
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="meetings")
    round = models.PositiveSmallIntegerField()
    table = models.PositiveSmallIntegerField()
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["schedule", "round", "table"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "mentor", "mentee"], name="speed_no_repeat_pair"),
            models.UniqueConstraint(fields=["schedule", "round", "mentor"], name="speed_mentor_once_a_round"),
            models.UniqueConstraint(fields=["schedule", "round", "mentee"], name="speed_mentee_once_a_round"),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="speed_not_oneself"),
        ]

    def __str__(self) -> str:
        return f"Round {self.round}, table {self.table}"


class Wish(models.Model):
    """`by` met `whom` at the speed rounds and would like to work with them."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="wishes")
    by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="speed_wishes_made")
    whom = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="speed_wishes_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["schedule", "by", "whom"], name="one_wish_per_person")]
        indexes = [models.Index(fields=["by", "whom"])]

    def __str__(self) -> str:
        return f"{self.by} would like to work with {self.whom}"
