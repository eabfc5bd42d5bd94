"""Programs, their six-month cycles and events, applications, pairs and meetings."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from profiles.models import DevelopmentGoal, MeetingFormat, Person


class Program(models.Model):
    class Scope(models.TextChoices):
        DEPARTMENT = "department", "Department-wide"
        CROSS_AGENCY = "cross_agency", "Cross-agency"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.DEPARTMENT)
    department = models.ForeignKey(
        "profiles.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="programs"
    )
    coordinators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_programs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # The program's section of the coordinator home: the one page about a whole program.
        return reverse("programs:coordinator-home") + f"#program-{self.pk}"


class CycleQuerySet(models.QuerySet["Cycle"]):
    def running(self, on: date | None = None) -> CycleQuerySet:
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, ends_on__gte=on)

    def accepting_applications(self, on: date | None = None) -> CycleQuerySet:
        on = on or timezone.localdate()
        return self.filter(applications_open_on__lte=on, applications_close_on__gte=on)


class Cycle(models.Model):
    """One round of a program, six months by default (see programs.services.cycle_create)."""

    class Phase(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        APPLICATIONS = "applications", "Applications open"
        MATCHING = "matching", "Matching"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cycles")
    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    applications_open_on = models.DateField()
    applications_close_on = models.DateField()
    matching_on = models.DateField(help_text="When pairs are proposed and published.")
    mentee_choice = models.BooleanField(
        "mentees choose their mentor",
        default=False,
        help_text="Each mentee sees suggested mentors and ranks up to three.",
    )
    choice_deadline = models.DateField(null=True, blank=True)
    allow_repeat_pairs = models.BooleanField(default=False, help_text="Allow pairs from earlier cycles again.")
    mentor_grade_at_or_above = models.BooleanField(
        "mentor at or above the mentee's grade",
        default=False,
        help_text="Never pair a mentor whose grade is below the mentee's (grades on one scale, such as GS-12 and "
        "GS-13, are compared; a missing grade does not block a pair).",
    )
    match_everyone = models.BooleanField(
        default=False,
        help_text="Pair as many mentees as possible, even with mentors who teach none of their goals.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="cycle_ends_after_start"),
            models.CheckConstraint(
                condition=Q(applications_close_on__gte=models.F("applications_open_on")),
                name="cycle_applications_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.name} – {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("programs:cycle-detail", args=[self.pk])

    def phase(self, on: date | None = None) -> str:
        on = on or timezone.localdate()
        if on > self.ends_on:
            return self.Phase.FINISHED
        if on >= self.starts_on:
            return self.Phase.RUNNING
        if self.applications_open_on <= on <= self.applications_close_on:
            return self.Phase.APPLICATIONS
        if on > self.applications_close_on:
            return self.Phase.MATCHING
        return self.Phase.UPCOMING

    def get_phase_display(self) -> str:
        return self.Phase(self.phase()).label

    def accepts_applications(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.applications_open_on <= on <= self.applications_close_on

    @property
    def midpoint(self) -> date:
        return self.starts_on + (self.ends_on - self.starts_on) / 2


class Event(models.Model):
    class Kind(models.TextChoices):
        KICKOFF = "kickoff", "Kickoff"
        MIDPOINT = "midpoint", "Midpoint keynote"
        FINAL = "final", "Final celebration"
        SOCIAL = "social", "Networking social"
        MENTORING_DAY = "mentoring_day", "Mentoring day"
        TRAINING = "training", "Training"

    MILESTONES = (Kind.KICKOFF, Kind.MIDPOINT, Kind.FINAL)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="events")
    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField("place", max_length=200, blank=True)
    video_url = models.URLField("video link", blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Leave empty for no limit.")
    open_to_alumni = models.BooleanField(default=False, help_text="Alumni of earlier cycles may attend.")
    guests_per_person = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(5)], help_text="Colleagues each attendee may bring."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Bumped whenever the time or place changes, so reminders and notices can tell versions apart.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start")
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:event-detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class RSVP(models.Model):
    class Status(models.TextChoices):
        GOING = "going", "Going"
        NOT_GOING = "not_going", "Not going"
        WAITLIST = "waitlist", "Waitlisted"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rsvps")
    status = models.CharField(max_length=12, choices=Status.choices)
    guests = models.PositiveSmallIntegerField(default=0)
    attended = models.BooleanField(null=True, blank=True, help_text="Taken at the event.")
    responded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "RSVP"
        ordering = ["responded_at"]
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="unique_rsvp")]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.event}: {self.status}"

    @property
    def seats(self) -> int:
        return 1 + self.guests


class Enrollment(models.Model):
    """An application to take part in a cycle as mentor or mentee."""

    class Role(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        MENTEE = "mentee", "Mentee"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        WAITLISTED = "waitlisted", "Waitlisted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="enrollments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=10, choices=Role.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    motivation = models.TextField("why you want to take part", max_length=2000, blank=True)
    capacity = models.PositiveSmallIntegerField(
        "mentees you can take",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Mentors only.",
    )
    goals = models.ManyToManyField(DevelopmentGoal, blank=True, related_name="enrollments")
    # A mentor's wish for this cycle: mentees from these departments score a little higher.
    preferred_departments = models.ManyToManyField(
        "profiles.Department", blank=True, related_name="+", verbose_name="mentee departments you would like",
        help_text="Mentors only. Leave empty for no preference.",
    )
    applied_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["applied_at"]
        constraints = [models.UniqueConstraint(fields=["cycle", "person", "role"], name="unique_enrollment")]
        indexes = [models.Index(fields=["cycle", "role", "status"])]

    def __str__(self) -> str:
        return f"{self.person} as {self.role} in {self.cycle}"


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def active(self) -> MentorshipQuerySet:
        return self.filter(status=Mentorship.Status.ACTIVE)

    def for_person(self, person: Person | None) -> MentorshipQuerySet:
        if person is None:
            return self.none()
        return self.filter(Q(mentor=person) | Q(mentee=person))


class Mentorship(models.Model):
    """A mentor and a mentee paired in a cycle."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ENDED = "ended", "Ended early"

    class Source(models.TextChoices):
        MANUAL = "manual", "Paired by a coordinator"
        MATCHING = "matching", "Matching run"
        CHOICE = "choice", "Chosen by the mentee"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mentorships_as_mentor")
    mentee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mentorships_as_mentee")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "mentor", "mentee"], name="unique_pair_per_cycle"),
            models.CheckConstraint(condition=~Q(mentor=models.F("mentee")), name="no_self_mentoring"),
        ]
        indexes = [models.Index(fields=["cycle", "status"])]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"

    def get_absolute_url(self) -> str:
        return reverse("programs:mentorship-detail", args=[self.pk])

    def role_of(self, person: Person | None) -> str | None:
        if person is None:
            return None
        if person.pk == self.mentor_id:
            return "mentor"
        if person.pk == self.mentee_id:
            return "mentee"
        return None


class Agreement(models.Model):
    """What the pair agreed at the start: goals from the IDP, cadence and format."""

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        BIWEEKLY = "biweekly", "Every two weeks"
        MONTHLY = "monthly", "Every month"

    mentorship = models.OneToOneField(Mentorship, on_delete=models.CASCADE, related_name="agreement")
    goals = models.ManyToManyField(DevelopmentGoal, blank=True, related_name="agreements")
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.BIWEEKLY)
    meeting_format = models.CharField(max_length=10, choices=MeetingFormat.choices, default=MeetingFormat.VIDEO)
    expectations = models.TextField(max_length=2000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    mentor_agreed_at = models.DateTimeField(null=True, blank=True)
    mentee_agreed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Agreement for {self.mentorship}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    scheduled_at = models.DateTimeField()
    meeting_format = models.CharField("format", max_length=10, choices=MeetingFormat.choices, default=MeetingFormat.VIDEO)
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)", default=60, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    goals_touched = models.ManyToManyField(DevelopmentGoal, blank=True, related_name="meetings")
    private_notes = models.TextField(
        max_length=10000, blank=True, help_text="Visible only to the two of you."
    )
    logged_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    # RFC 5545 SEQUENCE for calendar feeds: raised on every change a calendar must pick up.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_at"]
        indexes = [models.Index(fields=["mentorship", "status", "scheduled_at"])]

    def __str__(self) -> str:
        return f"Meeting {self.scheduled_at:%Y-%m-%d} ({self.mentorship})"


class HelpRequest(models.Model):
    """A participant asking the coordinator for help with the pair, or for a new match."""

    class Kind(models.TextChoices):
        HELP = "help", "Help with our pairing"
        REMATCH = "rematch", "A new match"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="help_requests")
    requested_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    message = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.mentorship}"


class HelpReply(models.Model):
    """A coordinator's answer to a help request: shown on the request and mailed to who asked."""

    help_request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "help replies"

    def __str__(self) -> str:
        return f"Reply to {self.help_request}"


class MeetingRequest(models.Model):
    """A time the mentee proposes; the mentor (who schedules meetings) accepts or declines it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the mentor"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meeting_requests")
    proposed_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)", default=60, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    meeting_format = models.CharField("format", max_length=10, choices=MeetingFormat.choices, default=MeetingFormat.VIDEO)
    note = models.CharField("note to the mentor", max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    response_note = models.CharField("note to the mentee", max_length=500, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # The meeting accepting it scheduled (through programs.services.meetings.meeting_schedule).
    meeting = models.OneToOneField(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="request")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            # The same time proposed twice (a double submit) is one proposal.
            models.UniqueConstraint(
                fields=["mentorship", "starts_at"], condition=Q(status="pending"), name="one_pending_request_per_time"
            )
        ]
        indexes = [models.Index(fields=["mentorship", "status"])]

    def __str__(self) -> str:
        return f"Proposed meeting {self.starts_at:%Y-%m-%d %H:%M} ({self.mentorship})"


class PairFlag(models.Model):
    """A reason to think a pair is at risk. Raised by surveys, help requests or the sweep."""

    class Reason(models.TextChoices):
        NO_MEETINGS = "no_meetings", "No meeting logged recently"
        LOW_SCORE = "low_score", "Low pairing score in a survey"
        REMATCH = "rematch", "Asked for a new match"
        HELP = "help", "Asked the coordinator for help"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.CharField(max_length=300, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            # One open flag per reason per pair: raising it again is a no-op.
            models.UniqueConstraint(
                fields=["mentorship", "reason"], condition=Q(resolved_at__isnull=True), name="one_open_flag_per_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} – {self.mentorship}"
