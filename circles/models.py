"""Mentoring circles: one or two mentors and a group of mentees around a topic tied to skills.

A circle belongs to a cycle. Its members are people with a role (mentor or mentee); sessions are
scheduled meetings of the whole group with attendance per member; notes are shared with every
member. The matching engine places mentees in circles alongside pairs: `CircleProposal` is a
placement proposed by a match run (the run is named by a string reference, so this app imports
nothing from matching, which sits to its right).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from profiles.models import MeetingFormat, Person, Proficiency, Skill
from programs.models import Agreement, Cycle

MAX_MENTORS = 2
SIZE_LIMIT = 30  # the most mentees a circle may be set to hold


class CircleQuerySet(models.QuerySet["Circle"]):
    def visible_to(self, *, person: Person | None, coordinated_program_ids) -> CircleQuerySet:
        """Circles the viewer belongs to (as a current member), and every circle of the programs they coordinate."""
        condition = Q(cycle__program__in=coordinated_program_ids)
        if person is not None:
            condition |= Q(members__person=person, members__left_on__isnull=True)
        return self.filter(condition).distinct()


class Circle(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="circles")
    topic = models.CharField(max_length=200)
    description = models.TextField(max_length=4000, blank=True)
    skills = models.ManyToManyField(Skill, related_name="circles", help_text="The skills the circle works on.")
    level = models.PositiveSmallIntegerField(
        "taught up to level",
        choices=Proficiency.choices,
        default=Proficiency.PRACTITIONER,
        help_text="The level the circle's mentors teach its skills to. Matching reads a mentee's goals against it.",
    )
    min_size = models.PositiveSmallIntegerField(
        "fewest mentees", default=4, validators=[MinValueValidator(1), MaxValueValidator(SIZE_LIMIT)]
    )
    max_size = models.PositiveSmallIntegerField(
        "most mentees", default=8, validators=[MinValueValidator(1), MaxValueValidator(SIZE_LIMIT)]
    )
    open_for_applications = models.BooleanField(
        default=True, help_text="Mentees of the cycle may apply to join from their IDP goals."
    )
    # The circle's agreement: what the group works on, how often and how it meets.
    agreement_goals = models.TextField("goals of the circle", max_length=4000, blank=True)
    cadence = models.CharField(max_length=10, choices=Agreement.Cadence.choices, default=Agreement.Cadence.BIWEEKLY)
    meeting_format = models.CharField(
        "format", max_length=10, choices=MeetingFormat.choices, default=MeetingFormat.VIDEO
    )
    agreement_updated_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CircleQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(min_size__lte=models.F("max_size")), name="circle_min_le_max"),
        ]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("circles:detail", args=[self.pk])


class CircleMember(models.Model):
    class Role(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        MENTEE = "mentee", "Mentee"

    class Source(models.TextChoices):
        MANUAL = "manual", "Added by a coordinator"
        MATCHING = "matching", "Placed by matching"
        APPLICATION = "application", "Applied"

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="circle_memberships")
    role = models.CharField(max_length=10, choices=Role.choices)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["role", "person__last_name", "person__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "person"], name="circle_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.circle} ({self.role})"


class CircleApplication(models.Model):
    """A mentee's wish to join a circle. Matching reads it as a choice; a coordinator may place them directly."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        PLACED = "placed", "Placed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="applications")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="circle_applications")
    note = models.CharField("why this circle", max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "person"], name="circle_application_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.circle}"


class CircleSession(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField("agenda", max_length=200)
    scheduled_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)", default=60, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    meeting_format = models.CharField(
        "format", max_length=10, choices=MeetingFormat.choices, default=MeetingFormat.VIDEO
    )
    place = models.CharField("place or link", max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # RFC 5545 SEQUENCE for the calendar feeds: raised on every change a calendar must pick up.
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheduled_at", "pk"]
        indexes = [models.Index(fields=["circle", "scheduled_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.circle})"


class CircleAttendance(models.Model):
    session = models.ForeignKey(CircleSession, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="circle_attendance")
    present = models.BooleanField()
    recorded_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="circle_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {'at' if self.present else 'missed'} {self.session}"


class CircleNote(models.Model):
    """A note shared with every member of the circle (and its coordinators)."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Note on {self.circle}"


class CircleProposal(models.Model):
    """A seat in a circle proposed by a match run, the circle twin of matching's MatchProposal."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        LOCKED = "locked", "Locked"
        REJECTED = "rejected", "Rejected"

    run = models.ForeignKey("matching.MatchRun", on_delete=models.CASCADE, related_name="circle_proposals")
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    explanation = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    member = models.ForeignKey(
        CircleMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set when the mentee was already a member before the run.",
    )

    class Meta:
        ordering = ["circle", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="circle_proposal_one_per_mentee"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} → {self.circle} (run {self.run_id})"
