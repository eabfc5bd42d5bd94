"""The resource library: guides, templates, links and recordings a program publishes.

A resource belongs to one program and is seen by that program's participants (past and present)
and coordinators. It is tagged by where a pair is in its cycle (milestone), who it is for
(audience) and skills, so the pair page can offer the few that fit right now.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models

from profiles.models import Skill
from programs.models import Event, Program


class Milestone(models.TextChoices):
    ANYTIME = "anytime", "Any time"
    KICKOFF = "kickoff", "Kickoff"
    FIRST_MEETING = "first_meeting", "Before the first meeting"
    MIDPOINT = "midpoint", "Midpoint"
    CLOSING = "closing", "Closing"


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Mentors and mentees"
    MENTORS = "mentors", "Mentors"
    MENTEES = "mentees", "Mentees"


def resource_path(instance: Resource, filename: str) -> str:
    # A random name: the stored path says nothing about the file and cannot be guessed. The
    # person's own file name is kept in `file_name` and given back on download.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"resources/{instance.program_id}/{uuid.uuid4().hex}{suffix}"


class Resource(models.Model):
    class Kind(models.TextChoices):
        GUIDE = "guide", "Guide"
        TEMPLATE = "template", "Template"
        LINK = "link", "Link"
        RECORDING = "recording", "Recording"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=1000, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GUIDE)
    milestone = models.CharField(max_length=15, choices=Milestone.choices, default=Milestone.ANYTIME)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    skills = models.ManyToManyField(Skill, blank=True, related_name="resources")
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="resources",
        help_text="For a recording or the slides of an event: shown on the event's page once it is over.",
    )
    url = models.URLField("link", max_length=500, blank=True)
    file = models.FileField(upload_to=resource_path, blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["program", "milestone"])]
        constraints = [
            models.CheckConstraint(
                name="resource_is_a_link_or_a_file",
                condition=(models.Q(url="") & ~models.Q(file="")) | (~models.Q(url="") & models.Q(file="")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return bool(self.file)
