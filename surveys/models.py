"""Survey templates, surveys copied into a cycle, invitations, drafts and responses.

Anonymity is a property of the schema, not of the views: a Response of an anonymous survey has
no foreign key to a person or an invitation, no submit time (only the week it was released), a
random UUID key, and reaches the table only in shuffled batches from the sealed pending pool
(PendingSubmission), in a transaction of its own. See docs/surveys.md.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from common.visibility import MIN_GROUP_SIZE
from profiles.models import Department, Person
from programs.models import Cycle, Event, Mentorship, Program

__all__ = ["MIN_GROUP_SIZE"]  # re-exported: the rule itself lives in common.visibility


class QuestionKind(models.TextChoices):
    LIKERT = "likert", "Agreement (1–5)"
    RATING = "rating", "Rating 0–10"
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    YES_NO = "yes_no", "Yes / no"
    TEXT = "text", "Free text"


LIKERT_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
NUMERIC_KINDS = (QuestionKind.LIKERT, QuestionKind.RATING, QuestionKind.YES_NO)
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class Measure(models.TextChoices):
    """What a question measures for the program, beyond its own results."""

    NONE = "", "Nothing special"
    HELPED_GROW = "helped_grow", "Outcome: the program helped me grow"
    PAIRING_SATISFACTION = "pairing_satisfaction", "Satisfaction with the pairing (low scores flag the pair)"
    WANTS_NEW_MENTOR = "wants_new_mentor", "Asks for a new mentor or match (yes flags the pair)"


class Audience(models.TextChoices):
    MENTORS = "mentors", "Mentors of the cycle"
    MENTEES = "mentees", "Mentees of the cycle"
    BOTH = "both", "Mentors and mentees of the cycle"
    EVENT_ATTENDEES = "event_attendees", "Attendees of an event"
    PAIR_MEMBERS = "pair_members", "Both members of each pair, about their pair"
    PAIR_MENTEES = "pair_mentees", "Mentees, about their pair"
    PAIR_MENTORS = "pair_mentors", "Mentors, about their pair"
    CIRCLE_MEMBERS = "circle_members", "Members of the cycle's mentoring circles"


PAIR_AUDIENCES = (Audience.PAIR_MEMBERS, Audience.PAIR_MENTEES, Audience.PAIR_MENTORS)


class SurveyTemplate(models.Model):
    """A reusable questionnaire. Shared ones (program is empty) are the starter set."""

    key = models.SlugField(
        max_length=60, unique=True, null=True, blank=True, help_text="Set on the starter set so it can be refreshed."
    )
    program = models.ForeignKey(
        Program,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_templates",
        help_text="Empty for the shared starter set, which coordinators copy rather than edit.",
    )
    name = models.CharField(max_length=200)
    description = models.TextField(
        max_length=2000, blank=True, help_text="Shown at the top of the survey page to the people who answer it."
    )
    anonymous = models.BooleanField(
        default=True, help_text="Answers are kept without any link to the person. Pairing feedback is named."
    )
    audience = models.CharField(
        "usual audience", max_length=20, choices=Audience.choices, default=Audience.BOTH
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:template-detail", args=[self.pk])

    @property
    def is_shared(self) -> bool:
        return self.program_id is None


class Survey(models.Model):
    """A template copied into a cycle: its own questions, audience, dates and answers."""

    class Trigger(models.TextChoices):
        DATE = "date", "On a date"
        MILESTONE = "milestone", "Relative to a cycle milestone"
        EVENT = "event", "Relative to an event"

    class Milestone(models.TextChoices):
        START = "start", "Cycle start"
        MIDPOINT = "midpoint", "Cycle midpoint"
        END = "end", "Cycle end"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="surveys")
    template = models.ForeignKey(
        SurveyTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=2000, blank=True)
    anonymous = models.BooleanField(default=True)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
        help_text="For event audiences and triggers.",
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.DATE)
    milestone = models.CharField(max_length=10, choices=Milestone.choices, blank=True)
    offset_days = models.SmallIntegerField(
        "days after", default=0, help_text="Days after the milestone or the end of the event (negative for before)."
    )
    open_days = models.PositiveSmallIntegerField("open for (days)", default=14)
    opens_on = models.DateField()
    closes_on = models.DateField()
    opened_at = models.DateTimeField(null=True, blank=True, help_text="When invitations were created.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["opens_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_open"),
        ]
        indexes = [models.Index(fields=["opened_at", "opens_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:survey-detail", args=[self.pk])

    def status(self, on: date | None = None) -> str:
        on = on or timezone.localdate()
        if on > self.closes_on:
            return self.Status.CLOSED
        if self.opened_at is not None:
            return self.Status.OPEN
        return self.Status.SCHEDULED

    def get_status_display(self) -> str:
        return self.Status(self.status()).label

    def is_open(self, on: date | None = None) -> bool:
        return self.status(on) == self.Status.OPEN

    @property
    def is_pair_survey(self) -> bool:
        return self.audience in PAIR_AUDIENCES

    def anchor_date(self) -> date | None:
        """The day a relative trigger counts from, or None for a fixed date."""
        if self.trigger == self.Trigger.MILESTONE:
            return {
                self.Milestone.START: self.cycle.starts_on,
                self.Milestone.MIDPOINT: self.cycle.midpoint,
                self.Milestone.END: self.cycle.ends_on,
            }.get(self.milestone)
        if self.trigger == self.Trigger.EVENT and self.event is not None:
            return timezone.localdate(self.event.ends_at)
        return None

    def resolve_dates(self) -> None:
        """Set opens_on/closes_on from a relative trigger (a fixed date keeps what was given)."""
        anchor = self.anchor_date()
        if anchor is not None:
            self.opens_on = anchor + timedelta(days=self.offset_days)
            self.closes_on = self.opens_on + timedelta(days=self.open_days)


class Question(models.Model):
    """A question of a template or of a survey (exactly one). Surveys get copies, never shares."""

    template = models.ForeignKey(
        SurveyTemplate, null=True, blank=True, on_delete=models.CASCADE, related_name="questions"
    )
    survey = models.ForeignKey(Survey, null=True, blank=True, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField("question", max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=True)
    choices = models.JSONField(default=list, blank=True, help_text="Options of single and multiple choice questions.")
    measure = models.CharField(max_length=24, choices=Measure.choices, blank=True, default=Measure.NONE)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(template__isnull=False) & Q(survey__isnull=True))
                | (Q(template__isnull=True) & Q(survey__isnull=False)),
                name="question_belongs_to_template_or_survey",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"

    def is_low_score(self, number: int | None) -> bool:
        """A pairing score low enough to worry the coordinator."""
        if number is None or self.measure != Measure.PAIRING_SATISFACTION:
            return False
        if self.kind == QuestionKind.LIKERT:
            return number <= 2
        if self.kind == QuestionKind.RATING:
            return number <= 4
        if self.kind == QuestionKind.YES_NO:
            return number == 0
        return False

    def is_positive(self, number: int | None) -> bool:
        """Agree / yes / a promoter-or-passive score: what headline percentages count."""
        if number is None:
            return False
        if self.kind == QuestionKind.LIKERT:
            return number >= 4
        if self.kind == QuestionKind.RATING:
            return number >= 7
        if self.kind == QuestionKind.YES_NO:
            return number == 1
        return False


class Invitation(models.Model):
    """One person asked to answer one survey (for pair surveys: about one pair).

    Only a hash of the link's token is stored; the token itself is derived from `nonce` and the
    SECRET_KEY (surveys.tokens), so reminders can rebuild the link without the database ever
    holding a usable one.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="survey_invitations")
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    role = models.CharField(max_length=10, blank=True, help_text="mentor, mentee or attendee")
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # For anonymous surveys this flag is all that is kept: no time, no link to the response.
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"], condition=Q(mentorship__isnull=True), name="one_invitation_per_person"
            ),
            models.UniqueConstraint(
                fields=["survey", "person", "mentorship"],
                condition=Q(mentorship__isnull=False),
                name="one_invitation_per_person_and_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["survey", "used"]),
            models.Index(fields=["survey", "sent_at"]),
            # "Was this person invited?" in one probe, used for the five-person group sizes.
            models.Index(fields=["person", "survey"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.survey}"


class Draft(models.Model):
    """Answers typed so far, kept by invitation until submit, then deleted.

    The answers are sealed (surveys.anonymity.sealing): a draft is the one place unsent answers
    sit next to a person, so a copy of the database must not read them.
    """

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="draft")
    sealed = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Draft for invitation {self.invitation_id}"

    @property
    def data(self) -> dict:
        """What was typed; empty if SECRET_KEY changed without keeping the old one as a fallback."""
        from surveys.anonymity.sealing import InvalidToken, unseal

        try:
            return unseal(self.sealed)
        except InvalidToken:
            return {}


class PendingSubmission(models.Model):
    """Answers to an anonymous survey waiting, sealed, to be released into Response in a batch.

    Written in a transaction of its own, after the one that marks the invitation used, and with
    nothing but the survey in clear: no time, no sequence (a random UUID), no person. Released
    rows are deleted in the transaction that inserts their Responses (surveys.services.pool).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="pending")
    sealed = models.TextField()

    def __str__(self) -> str:
        return f"Pending answers to {self.survey_id}"


class Response(models.Model):
    """A submitted questionnaire. Anonymous ones carry no identity (checked by a constraint)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    anonymous = models.BooleanField()
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )
    # Coarse groups for breakdowns; left empty on anonymous surveys when the group was too small.
    role = models.CharField(max_length=10, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Named: the day. Anonymous: the Monday of the week its batch was released.
    submitted_on = models.DateField(default=timezone.localdate)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="Named surveys only.")

    class Meta:
        ordering = ["submitted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False)
                | (
                    Q(invitation__isnull=True)
                    & Q(person__isnull=True)
                    & Q(mentorship__isnull=True)
                    & Q(submitted_at__isnull=True)
                ),
                name="anonymous_response_has_no_identity",
            )
        ]
        indexes = [models.Index(fields=["survey", "role"])]

    def __str__(self) -> str:
        return f"Response to {self.survey}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # Likert 1-5, rating 0-10, yes (1) / no (0).
    number = models.SmallIntegerField(null=True, blank=True)
    # Single choice (the option) or free text.
    text = models.TextField(blank=True)
    # Multiple choice: the options picked.
    options = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]
        indexes = [models.Index(fields=["question", "number"])]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"
