"""People: employee records, skills, and individual development plans (IDPs)."""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

TIME_ZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz]


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"


class Proficiency(models.IntegerChoices):
    AWARE = 1, "1 – Aware"
    WORKING = 2, "2 – Working"
    PRACTITIONER = 3, "3 – Practitioner"
    EXPERT = 4, "4 – Expert"


class Department(models.Model):
    """A department or agency. Cross-agency programs draw people from several."""

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(max_length=20, unique=True)
    agency = models.CharField(max_length=200, blank=True, help_text="Parent agency, if any.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet["Person"]):
    def employed(self) -> PersonQuerySet:
        return self.filter(separated_on__isnull=True)

    def retirement_eligible_by(self, day: date) -> PersonQuerySet:
        return self.filter(retirement_eligible_on__lte=day)


class Person(models.Model):
    """An employee, with or without a login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    employee_id = models.CharField(max_length=40, unique=True, null=True, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(unique=True)
    title = models.CharField("job title", max_length=200, blank=True)
    grade = models.CharField(max_length=20, blank=True, help_text="Pay grade or band, for reports.")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="people")
    office_location = models.CharField(max_length=120, blank=True)
    phone = models.CharField("work phone", max_length=40, blank=True)
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="America/New_York")
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    hire_date = models.DateField(null=True, blank=True)
    retirement_eligible_on = models.DateField("retirement-eligibility date", null=True, blank=True)
    separated_on = models.DateField("separation date", null=True, blank=True)
    separation_reason = models.CharField(max_length=200, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    prefers_in_person = models.BooleanField("in person", default=True)
    prefers_video = models.BooleanField("video call", default=True)
    prefers_phone = models.BooleanField("phone", default=False)
    willing_to_mentor = models.BooleanField(default=False)
    mentor_capacity = models.PositiveSmallIntegerField(
        "mentees at once",
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="How many mentees you can take at the same time.",
    )
    receives_nudges = models.BooleanField(
        "reminder e-mails",
        default=True,
        help_text="Reminders and nudges. Essential notices (decisions, matches, changes) are always sent.",
    )
    # What the other person of a pair sees on the pair page (programs' pair page reads these).
    show_email_to_pair = models.BooleanField(
        "show my work e-mail to my mentor or mentee",
        default=True,
        help_text="Shown on your pair page only, to the other person of the pair and the program's coordinators.",
    )
    show_phone_to_pair = models.BooleanField(
        "show my work phone to my mentor or mentee",
        default=False,
        help_text="Shown on your pair page only, to the other person of the pair and the program's coordinators.",
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["retirement_eligible_on"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def meeting_formats(self) -> list[str]:
        pairs = [
            (self.prefers_in_person, MeetingFormat.IN_PERSON),
            (self.prefers_video, MeetingFormat.VIDEO),
            (self.prefers_phone, MeetingFormat.PHONE),
        ]
        return [fmt.value for wanted, fmt in pairs if wanted]

    def is_retirement_eligible(self, on: date | None = None) -> bool:
        on = on or date.today()
        return self.retirement_eligible_on is not None and self.retirement_eligible_on <= on

    def get_absolute_url(self) -> str:
        return reverse("profiles:person-detail", args=[self.pk])

    def clean(self) -> None:
        if self.supervisor_id and self.supervisor_id == self.pk:
            raise ValidationError({"supervisor": "A person cannot be their own supervisor."})
        if self.hire_date and self.separated_on and self.separated_on < self.hire_date:
            raise ValidationError({"separated_on": "The separation date is before the hire date."})


class SkillCategory(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "skill categories"

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    name = models.CharField(max_length=120, unique=True)
    category = models.ForeignKey(SkillCategory, on_delete=models.PROTECT, related_name="skills")
    description = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PersonSkill(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="holders")
    level = models.PositiveSmallIntegerField(choices=Proficiency.choices, default=Proficiency.WORKING)
    will_teach = models.BooleanField("willing to teach", default=False)
    # Matching gives a mentor a few points for mentees whose goals are in these skills, and
    # stable mode lets the mentor rank such mentees first.
    prefers_teaching = models.BooleanField(
        "most want to teach", default=False, help_text="Among the skills you teach, the ones you most want to."
    )

    class Meta:
        ordering = ["skill__name"]
        constraints = [models.UniqueConstraint(fields=["person", "skill"], name="unique_person_skill")]
        indexes = [models.Index(fields=["skill", "level"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.skill} ({self.level})"


class GoalPriority(models.IntegerChoices):
    HIGH = 1, "High"
    MEDIUM = 2, "Medium"
    LOW = 3, "Low"


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class DevelopmentGoal(models.Model):
    """One goal of a person's individual development plan (IDP).

    A goal names a skill and a target level, or a free-text aim (or both).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="goals")
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.PROTECT, related_name="goals")
    target_level = models.PositiveSmallIntegerField(choices=Proficiency.choices, null=True, blank=True)
    # Where the person stands now: a mentor helps by the part of the gap to the target they teach.
    current_level = models.PositiveSmallIntegerField(
        "level now", choices=[(0, "0 – None yet"), *Proficiency.choices], null=True, blank=True,
        help_text="Where you are today in this skill.",
    )
    aim = models.CharField(
        max_length=300, blank=True, help_text="What you want to be able to do, in your own words."
    )
    priority = models.PositiveSmallIntegerField(choices=GoalPriority.choices, default=GoalPriority.MEDIUM)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    target_date = models.DateField(null=True, blank=True)
    achieved_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(skill__isnull=False) | ~Q(aim=""),
                name="goal_has_skill_or_aim",
                violation_error_message="Name a skill or describe an aim.",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.skill_id and self.target_level:
            return f"{self.skill.name} to level {self.target_level}"
        if self.skill_id:
            return self.skill.name
        return self.aim

    def clean(self) -> None:
        if not self.skill_id and not (self.aim or "").strip():
            raise ValidationError("Name a skill or describe an aim for this goal.")
        if self.target_level and not self.skill_id:
            raise ValidationError({"target_level": "A target level needs a skill."})
        if self.current_level is not None and not self.skill_id:
            raise ValidationError({"current_level": "A level now needs a skill."})
        if self.current_level is not None and self.target_level and self.current_level >= self.target_level:
            raise ValidationError({"current_level": "The level now must be below the target level."})


class GoalProgressNote(models.Model):
    """A dated note on progress toward a goal. Private to the person and their mentors."""

    goal = models.ForeignKey(DevelopmentGoal, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Note on {self.goal_id} at {self.created_at:%Y-%m-%d}"
