"""Communities of practice: topic communities anyone may join, and one mentors' community per program.

A community is hosted by a program (its coordinators look after it, and its events are that
program's events, linked here), may be kept to one department, and is about a few skills.
Members are listed with their own level in those skills (profiles.PersonSkill). Leaving keeps
the row with `left_at`, so a mentors' community never adds back someone who chose to leave.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from profiles.models import Department, Person, Skill
from programs.models import Event, Program
from resources.models import Resource


class Community(models.Model):
    class Kind(models.TextChoices):
        TOPIC = "topic", "Topic community"
        MENTORS = "mentors", "Mentors' community"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.TextField("what it is about", max_length=2000, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TOPIC)
    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="communities",
        help_text="The program that hosts it: its coordinators look after it and its events.",
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="communities",
        help_text="Only people of this department may join. Leave empty for everyone (cross-agency).",
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="communities")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "communities"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program"], condition=Q(kind="mentors"), name="one_mentors_community_per_program"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:detail", args=[self.slug])

    @property
    def is_mentors(self) -> bool:
        return self.kind == self.Kind.MENTORS


class Membership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        MEMBER = "member", "Member"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="community_memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["community", "person__last_name", "person__first_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["community", "person"], name="one_membership_per_person")]
        indexes = [models.Index(fields=["person", "left_at"])]

    def __str__(self) -> str:
        return f"{self.person} in {self.community} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class CommunityEvent(models.Model):
    """A community lists an event of its host program (lunch-and-learns, forums)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="event_links")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="community_links")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "event"], name="unique_community_event")]

    def __str__(self) -> str:
        return f"{self.community_id} lists event {self.event_id}"


class CommunityResource(models.Model):
    """A community lists a resource of its host program's library; members may open it."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="resource_links")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="community_links")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "resource"], name="unique_community_resource")]

    def __str__(self) -> str:
        return f"{self.community_id} lists resource {self.resource_id}"
