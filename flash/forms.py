from __future__ import annotations

from typing import Any

from django import forms

from flash.models import LENGTHS, MAX_PER_MONTH
from profiles.models import Person, Skill

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FlashRequestForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.none(), label="Skill")
    minutes = forms.TypedChoiceField(choices=LENGTHS, coerce=int, initial=30, label="Length")
    note = forms.CharField(
        label="What you would like to talk about", max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A line or two, so they can say yes or point you to someone better.",
    )

    def __init__(self, *args: Any, expert: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skills = Skill.objects.filter(holders__person=expert).order_by("name")
        self.fields["skill"].queryset = skills
        if not self.is_bound and "skill" not in self.initial:
            only = list(skills[:2])
            if len(only) == 1:  # nothing to choose: saves a step and a "required" error
                self.initial["skill"] = only[0].pk


class FlashAcceptForm(forms.Form):
    starts_at = forms.DateTimeField(label="When (your time zone)", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    message = forms.CharField(
        label="A message with your answer", max_length=500, required=False,
        help_text="For example where to call you or the video link you will use.",
    )


class FlashDeclineForm(forms.Form):
    reason = forms.CharField(label="Why (optional, shown to them)", max_length=500, required=False)


class FlashFeedbackForm(forms.Form):
    useful = forms.TypedChoiceField(
        label="Was it useful?", choices=(("yes", "Yes"), ("no", "No")), widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
    )
    note = forms.CharField(label="Anything to add (optional)", max_length=500, required=False)


class AvailabilityForm(forms.Form):
    accepts = forms.BooleanField(label="I take flash conversation requests", required=False)
    per_month = forms.IntegerField(
        label="How many a month", min_value=0, max_value=MAX_PER_MONTH,
        help_text=f"From 0 to {MAX_PER_MONTH}. Requests waiting for your answer count too.",
    )
