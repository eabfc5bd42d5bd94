"""Forms of the participant portal. Services re-check everything; forms give the first message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import MaxValueValidator
from django.db.models import Q

from profiles.models import Department, DevelopmentGoal, GoalStatus, MeetingFormat, Person
from programs.models import Agreement, Event, HelpRequest, Meeting, Mentorship
from programs.services.meetings import MAX_MINUTES, MIN_MINUTES


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: DevelopmentGoal) -> str:
        return obj.label


class VisibleChoiceErrorsMixin:
    """crispy-bootstrap5 prints a checkbox list's errors beside its options, so a list with no
    options would swallow them; such errors are shown at the top of the form instead."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name, field_ in self.fields.items():  # type: ignore[attr-defined]
            choices = getattr(field_, "queryset", None)
            if name in self._errors and choices is not None and not choices.exists():  # type: ignore[attr-defined]
                self._errors.setdefault(NON_FIELD_ERRORS, self.error_class(error_class="nonfield"))  # type: ignore[attr-defined]
                self._errors[NON_FIELD_ERRORS].extend(self._errors.pop(name))  # type: ignore[attr-defined]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def mentee_goals(mentee_id: int, *, include: Q | None = None) -> Any:
    """The mentee's active goals, plus any goal named by `include` (already chosen earlier)."""
    condition = Q(status=GoalStatus.ACTIVE)
    if include is not None:
        condition |= include
    return DevelopmentGoal.objects.filter(Q(person_id=mentee_id) & condition).select_related("skill")


# --- Applying ----------------------------------------------------------------------------------
class MenteeApplicationForm(forms.Form):
    goals = GoalChoiceField(
        label="Goals from your development plan to work on",
        queryset=DevelopmentGoal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one goal from your development plan."},
    )
    motivation = forms.CharField(
        label="Why you want to take part", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = goals = mentee_goals(person.pk)
        if not goals.exists():
            # Nothing to choose from: the page explains why, and submitting says so again.
            del self.fields["goals"]


class MentorApplicationForm(forms.Form):
    capacity = forms.IntegerField(
        label="Mentees you can take",
        min_value=1,
        max_value=10,
        help_text="From 1 to 10.",
        error_messages={
            "min_value": "Take at least 1 mentee.",
            "max_value": "You can take at most 10 mentees.",
        },
    )
    preferred_departments = forms.ModelMultipleChoiceField(
        label="Mentee departments you would like (optional)",
        queryset=Department.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Matching gives mentees from these departments a few more points with you, and in stable "
        "matching you rank them first. Mark the skills you most want to teach on your skills page.",
    )
    motivation = forms.CharField(
        label="Why you want to mentor", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    without_teachable_skills = forms.BooleanField(
        label="Apply anyway: I have not marked any skill as one I am willing to teach",
        required=False,
    )

    def __init__(self, *args: Any, has_teachable_skills: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_teachable_skills:
            del self.fields["without_teachable_skills"]


# --- Events ------------------------------------------------------------------------------------
class RSVPForm(forms.Form):
    response = forms.ChoiceField(
        label="Will you come?",
        choices=[("going", "Going"), ("not_going", "Not going")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose going or not going."},
    )
    guests = forms.IntegerField(label="Guests you bring", min_value=0, initial=0, required=False)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if event.guests_per_person:
            guests = self.fields["guests"]
            guests.max_value = event.guests_per_person
            guests.help_text = f"Up to {event.guests_per_person}. Each guest takes a seat."
            guests.validators.append(
                MaxValueValidator(
                    event.guests_per_person, message=f"You can bring at most {event.guests_per_person} guest(s)."
                )
            )
            guests.widget.attrs.update({"min": 0, "max": event.guests_per_person})
        else:
            del self.fields["guests"]

    def clean_guests(self) -> int:
        return self.cleaned_data.get("guests") or 0


# --- The pair page -----------------------------------------------------------------------------
class AgreementForm(VisibleChoiceErrorsMixin, forms.ModelForm):
    goals = GoalChoiceField(
        label="Goals from the mentee's development plan",
        queryset=DevelopmentGoal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Agreement
        fields = ["goals", "cadence", "meeting_format", "expectations"]
        labels = {"cadence": "How often you meet", "meeting_format": "Usual format", "expectations": "Expectations"}
        widgets = {"expectations": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, mentorship: Mentorship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        already = Q(pk__in=self.instance.goals.values("pk")) if self.instance.pk else None
        self.fields["goals"].queryset = mentee_goals(mentorship.mentee_id, include=already)


class MeetingScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label="Date and time",
        widget=DateTimeLocalInput(),
        help_text="In your time zone.",
        error_messages={"invalid": "Enter a date and time like 2026-12-01 14:30."},
    )
    meeting_format = forms.ChoiceField(label="Format", choices=MeetingFormat.choices)
    duration_minutes = forms.IntegerField(
        label="Length (minutes)",
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        initial=60,
        error_messages={
            "min_value": f"A meeting lasts at least {MIN_MINUTES} minutes.",
            "max_value": f"A meeting lasts at most {MAX_MINUTES} minutes.",
        },
    )


class MeetingProposeForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=DateTimeLocalInput(),
        help_text="In your time zone.",
        error_messages={"invalid": "Enter a date and time like 2026-12-01 14:30.", "required": "Choose a date and time."},
    )
    meeting_format = forms.ChoiceField(label="Format", choices=MeetingFormat.choices)
    duration_minutes = MeetingScheduleForm.base_fields["duration_minutes"]
    note = forms.CharField(
        label="Note to your mentor (optional)", max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MeetingDeclineForm(forms.Form):
    note = forms.CharField(
        label="Why not, or another time that suits you", max_length=500,
        error_messages={"required": "Say why, or suggest another time, so your mentee can propose again."},
    )


class MeetingLogForm(VisibleChoiceErrorsMixin, forms.Form):
    duration_minutes = MeetingScheduleForm.base_fields["duration_minutes"]
    meeting_format = forms.ChoiceField(label="Format", choices=MeetingFormat.choices)
    goals_touched = GoalChoiceField(
        label="Goals you worked on",
        queryset=DevelopmentGoal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    private_notes = forms.CharField(
        label="Private notes",
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Visible only to the two of you.",
    )

    def __init__(self, *args: Any, mentorship: Mentorship, meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Goals in the agreement or already logged for this meeting stay choosable after they
        # are achieved or dropped, so correcting a log never silently loses them.
        also = Q(agreements__mentorship=mentorship)
        if meeting is not None:
            also |= Q(meetings=meeting)
        self.fields["goals_touched"].queryset = mentee_goals(mentorship.mentee_id, include=also).distinct()


class MeetingRecordForm(MeetingLogForm):
    """A meeting held without being scheduled here first: the log plus when it took place."""

    held_at = forms.DateTimeField(
        label="When it took place",
        widget=DateTimeLocalInput(),
        help_text="In your time zone.",
        error_messages={"invalid": "Enter a date and time like 2026-12-01 14:30."},
    )
    field_order = ["held_at", "meeting_format", "duration_minutes", "goals_touched", "private_notes"]


class PrivateNotesReasonForm(forms.Form):
    """Why a coordinator opens a pair's private notes; the reason goes into the audit entry."""

    reason = forms.CharField(
        label="Why do you need to read them?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the mentee reported a concern about a meeting. The pair may ask to see this.",
        error_messages={"required": "Say why you need to read the notes."},
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < 10:
            raise forms.ValidationError("Give the reason in a few words (at least 10 characters).")
        return reason


class ProgressNoteForm(forms.Form):
    text = forms.CharField(label="Progress note", max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class HelpRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What do you need?",
        choices=HelpRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose help with the pairing or a new match."},
    )
    message = forms.CharField(
        label="What is going on?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only the program's coordinators read this.",
        error_messages={"required": "Tell the coordinator what is going on."},
    )
