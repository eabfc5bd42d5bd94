"""Forms of the coordinator pages. Services repeat every check that matters; forms give the messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from profiles.models import Person
from programs.models import Cycle, Enrollment, Event, Mentorship, Program
from programs.services.cycles import DEFAULT_LENGTH_MONTHS, cycle_date_problems

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, else at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = ["name", "slug", "scope", "department", "description", "coordinators"]
        widgets = {"coordinators": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"slug": "Short name used in web addresses: letters, numbers and hyphens."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coordinators"].queryset = get_user_model().objects.filter(is_coordinator=True).order_by("email")
        self.fields["coordinators"].required = False
        self.fields["coordinators"].help_text = "You stay a coordinator of programs you create or edit."

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("scope") == Program.Scope.DEPARTMENT and not data.get("department"):
            self.add_error(
                "department",
                "A department-wide program needs its department. To open it to every department, choose Cross-agency.",
            )
        return data


class CycleCreateForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example “Spring 2027”.")
    starts_on = forms.DateField(label="Start date", widget=DATE)
    length_months = forms.IntegerField(
        label="Length (months)", min_value=1, max_value=24, initial=DEFAULT_LENGTH_MONTHS
    )
    mentee_choice = forms.BooleanField(
        label="Mentees choose their mentor", required=False, help_text=Cycle._meta.get_field("mentee_choice").help_text
    )
    allow_repeat_pairs = forms.BooleanField(label="Allow pairs from earlier cycles again", required=False)
    mentor_grade_at_or_above = forms.BooleanField(
        label="Mentor at or above the mentee's grade",
        required=False,
        help_text=Cycle._meta.get_field("mentor_grade_at_or_above").help_text,
    )
    location = forms.CharField(label="Place of the milestone events", max_length=200, required=False)
    video_url = forms.URLField(label="Video link of the milestone events", required=False, assume_scheme="https")


class CycleEditForm(forms.Form):
    name = forms.CharField(max_length=200)
    starts_on = forms.DateField(label="Start date", widget=DATE)
    ends_on = forms.DateField(label="End date", widget=DATE)
    applications_open_on = forms.DateField(label="Applications open", widget=DATE)
    applications_close_on = forms.DateField(label="Applications close", widget=DATE)
    matching_on = forms.DateField(label="Matching date", widget=DATE)
    mentee_choice = forms.BooleanField(label="Mentees choose their mentor", required=False)
    choice_deadline = forms.DateField(label="Mentees choose by", widget=DATE, required=False)
    allow_repeat_pairs = forms.BooleanField(label="Allow pairs from earlier cycles again", required=False)
    mentor_grade_at_or_above = forms.BooleanField(
        label="Mentor at or above the mentee's grade",
        required=False,
        help_text=Cycle._meta.get_field("mentor_grade_at_or_above").help_text,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        dates = ("starts_on", "ends_on", "applications_open_on", "applications_close_on", "matching_on")
        if all(data.get(name) for name in dates):
            problems = cycle_date_problems(
                **{name: data[name] for name in dates},
                choice_deadline=data.get("choice_deadline") if data.get("mentee_choice") else None,
            )
            for field, message in problems.items():
                self.add_error(field, message)
        return data


class EventForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of event", choices=Event.Kind.choices)
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.none(), required=False, empty_label="Whole program (not one cycle)"
    )
    starts_at = forms.DateTimeField(label="Starts", widget=DATETIME, input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label="Ends", widget=DATETIME, input_formats=DATETIME_FORMATS)
    location = forms.CharField(label="Place", max_length=200, required=False)
    video_url = forms.URLField(label="Video link", required=False, assume_scheme="https")
    capacity = forms.IntegerField(min_value=1, required=False, help_text="Leave empty for no limit.")
    open_to_alumni = forms.BooleanField(label="Open to alumni of earlier cycles", required=False)
    guests_per_person = forms.IntegerField(
        label="Guests per person", min_value=0, max_value=5, initial=0, help_text="Colleagues each attendee may bring."
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = program.cycles.order_by("-starts_on")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("starts_at", "ends_at"):
            # The form shows minutes; an untouched time must not count as a change because of its seconds.
            old = self.initial.get(name)
            if old and data.get(name) and old.replace(second=0, microsecond=0) == data[name]:
                data[name] = old
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "The event must end after it starts.")
        if not data.get("location") and not data.get("video_url") and not self.has_error("video_url"):
            self.add_error("location", "Give a place, a video link, or both.")
        if data.get("kind") in Event.MILESTONES and not data.get("cycle"):
            self.add_error("cycle", "A kickoff, midpoint or final celebration belongs to a cycle.")
        return data


class EventCancelForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, label="Reason (kept in the audit log)")


class ApplicationFilterForm(forms.Form):
    role = forms.ChoiceField(choices=[("", "Any role"), *Enrollment.Role.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Enrollment.Status.choices], required=False)
    q = forms.CharField(label="Name or e-mail", max_length=100, required=False)


class DecisionForm(forms.Form):
    ACTIONS = [
        (Enrollment.Status.APPROVED, "Approve"),
        (Enrollment.Status.WAITLISTED, "Waitlist"),
        (Enrollment.Status.DECLINED, "Decline"),
    ]
    enrollments = forms.ModelMultipleChoiceField(
        queryset=Enrollment.objects.none(),
        error_messages={"required": "Tick at least one application."},
    )
    action = forms.ChoiceField(label="Decision", choices=ACTIONS)
    note = forms.CharField(label="Note to the applicants (optional)", max_length=500, required=False)

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrollments"].queryset = Enrollment.objects.filter(cycle=cycle)


class _MentorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name} ({obj.department.name}) – {obj.active_pairs} of {obj.capacity} mentees"


class _MenteeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        paired = " – has a mentor" if obj.active_pairs else ""
        return f"{obj.full_name} ({obj.department.name}){paired}"


class PairCreateForm(forms.Form):
    """Approved people of the cycle, labelled with what the rules will look at (load, existing mentor)."""

    mentor = _MentorChoice(queryset=Person.objects.none())
    mentee = _MenteeChoice(queryset=Person.objects.none())

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        approved = Enrollment.objects.filter(cycle=cycle, status=Enrollment.Status.APPROVED)
        mentor_enrollment = approved.filter(role=Enrollment.Role.MENTOR, person=OuterRef("pk"))
        self.fields["mentor"].queryset = (
            Person.objects.filter(pk__in=approved.filter(role=Enrollment.Role.MENTOR).values("person"))
            .select_related("department")
            .annotate(
                active_pairs=Count(
                    "mentorships_as_mentor",
                    filter=Q(mentorships_as_mentor__cycle=cycle, mentorships_as_mentor__status=Mentorship.Status.ACTIVE),
                ),
                capacity=Coalesce(Subquery(mentor_enrollment.values("capacity")[:1]), F("mentor_capacity")),
            )
        )
        self.fields["mentee"].queryset = (
            Person.objects.filter(pk__in=approved.filter(role=Enrollment.Role.MENTEE).values("person"))
            .select_related("department")
            .annotate(
                active_pairs=Count(
                    "mentorships_as_mentee",
                    filter=Q(mentorships_as_mentee__cycle=cycle, mentorships_as_mentee__status=Mentorship.Status.ACTIVE),
                )
            )
        )


class PairEndForm(forms.Form):
    reason = forms.CharField(label="Why is the pair ending?", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class PairCompleteForm(forms.Form):
    note = forms.CharField(label="Note (optional)", max_length=500, required=False)


class HelpReplyForm(forms.Form):
    text = forms.CharField(
        label="Reply to the participant",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write a reply before sending it."},
        help_text="Shown on their request and sent to them by e-mail. The other person of the pair does not see it.",
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="What was done", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
