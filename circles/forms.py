"""Forms of the circles pages. Services re-check everything; forms give the first clear message."""

from __future__ import annotations

from typing import Any

from django import forms

from circles.models import MAX_MENTORS, SIZE_LIMIT, Circle, CircleSession
from profiles.models import MeetingFormat, Person, Proficiency, Skill
from programs.forms.participant import DateTimeLocalInput, VisibleChoiceErrorsMixin
from programs.models import Agreement, Cycle, Enrollment


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name}" + (f" ({obj.department})" if obj.department_id else "")


def _approved(cycle: Cycle, role: str):
    return (
        Person.objects.filter(
            enrollments__cycle=cycle,
            enrollments__role=role,
            enrollments__status=Enrollment.Status.APPROVED,
            separated_on__isnull=True,
        )
        .select_related("department")
        .order_by("last_name", "first_name", "pk")
    )


SIZE_ERRORS = {
    "min_value": "A circle holds at least 1 mentee.",
    "max_value": f"A circle holds at most {SIZE_LIMIT} mentees.",
    "required": "Give a number of mentees.",
    "invalid": "Enter a whole number.",
}


class CircleForm(VisibleChoiceErrorsMixin, forms.Form):
    topic = forms.CharField(max_length=200, error_messages={"required": "Give the circle a topic."})
    description = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the group will work on, for the mentees deciding whether to apply.",
    )
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Matching places mentees whose IDP goals need these skills. Hold Ctrl (⌘ on a Mac) to choose several.",
        error_messages={"required": "Choose at least one skill the circle works on."},
    )
    level = forms.TypedChoiceField(
        label="Taught up to level",
        choices=Proficiency.choices,
        coerce=int,
        initial=Proficiency.PRACTITIONER,
    )
    mentors = PersonChoiceField(
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="One or two approved mentors of this cycle.",
        error_messages={"required": "Choose the circle's mentor (one or two)."},
    )
    min_size = forms.IntegerField(
        label="Fewest mentees", min_value=1, max_value=SIZE_LIMIT, initial=4, error_messages=SIZE_ERRORS
    )
    max_size = forms.IntegerField(
        label="Most mentees", min_value=1, max_value=SIZE_LIMIT, initial=8, error_messages=SIZE_ERRORS
    )
    open_for_applications = forms.BooleanField(
        required=False,
        initial=True,
        label="Mentees may apply",
        help_text="Mentees of the cycle see it and may ask to join.",
    )

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = _approved(cycle, Enrollment.Role.MENTOR)

    def clean_mentors(self):
        mentors = self.cleaned_data["mentors"]
        if len(mentors) > MAX_MENTORS:
            raise forms.ValidationError(f"A circle has one or two mentors; you chose {len(mentors)}.")
        return mentors

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("min_size"), data.get("max_size")
        if low is not None and high is not None and low > high:
            self.add_error("min_size", f"The fewest mentees ({low}) cannot be more than the most ({high}).")
        return data

    @staticmethod
    def initial_for(circle: Circle) -> dict[str, Any]:
        return {
            "topic": circle.topic,
            "description": circle.description,
            "skills": list(circle.skills.all()),
            "level": circle.level,
            "min_size": circle.min_size,
            "max_size": circle.max_size,
            "open_for_applications": circle.open_for_applications,
            "mentors": [
                m.person for m in circle.members.filter(role="mentor", left_on__isnull=True).select_related("person")
            ],
        }


class MemberAddForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Mentee",
        queryset=Person.objects.none(),
        empty_label="Choose a mentee",
        error_messages={"required": "Choose a mentee.", "invalid_choice": "Choose an approved mentee of this cycle."},
    )

    def __init__(self, *args: Any, circle: Circle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _approved(circle.cycle, Enrollment.Role.MENTEE).exclude(
            circle_memberships__circle=circle, circle_memberships__left_on__isnull=True
        )
        self.fields["person"].label_from_instance = lambda p: p.full_name


class CircleAgreementForm(forms.ModelForm):
    class Meta:
        model = Circle
        fields = ["agreement_goals", "cadence", "meeting_format"]
        labels = {
            "agreement_goals": "What the circle works on",
            "cadence": "How often it meets",
            "meeting_format": "Usual format",
        }
        widgets = {"agreement_goals": forms.Textarea(attrs={"rows": 4})}


class SessionForm(forms.Form):
    title = forms.CharField(
        label="Agenda", max_length=200, error_messages={"required": "Say what the session is about."}
    )
    scheduled_at = forms.DateTimeField(
        label="Date and time",
        widget=DateTimeLocalInput(),
        help_text="In your time zone.",
        error_messages={
            "invalid": "Enter a date and time like 2026-12-01 14:30.",
            "required": "Give the date and time.",
        },
    )
    duration_minutes = forms.IntegerField(
        label="Length (minutes)",
        min_value=15,
        max_value=480,
        initial=60,
        error_messages={
            "min_value": "A session lasts at least 15 minutes.",
            "max_value": "A session lasts at most 480 minutes (8 hours).",
        },
    )
    meeting_format = forms.ChoiceField(label="Format", choices=MeetingFormat.choices, initial=MeetingFormat.VIDEO)
    place = forms.CharField(label="Place or link", max_length=300, required=False)

    @staticmethod
    def initial_for(session: CircleSession) -> dict[str, Any]:
        return {
            "title": session.title,
            "scheduled_at": session.scheduled_at,
            "duration_minutes": session.duration_minutes,
            "meeting_format": session.meeting_format,
            "place": session.place,
        }


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Share a note with the circle",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the note first.", "max_length": "Keep the note under 4,000 characters."},
    )


class ApplyForm(forms.Form):
    note = forms.CharField(
        label="Why this circle (optional)", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


CADENCES = Agreement.Cadence
