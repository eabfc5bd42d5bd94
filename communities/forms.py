"""Forms of the community pages. Text is cleaned by common.middleware before it reaches them."""

from __future__ import annotations

from typing import Any

from django import forms

from communities.models import Membership
from communities.services import COMMUNITY_EVENT_KINDS
from profiles.models import Department, Person, Skill
from programs.forms.coordinator import EventForm
from programs.models import Event, Program
from resources.models import Resource


class CommunityForm(forms.Form):
    name = forms.CharField(max_length=120)
    summary = forms.CharField(
        label="What it is about", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.order_by("name"),
        required=False,
        help_text="The topic: members are listed with their level in these skills. Hold Ctrl (⌘) to pick several.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label="Everyone (cross-agency)",
        label="Open to",
        help_text="Keep it to one department, or open it to every agency.",
    )

    def __init__(self, *args: Any, programs: Any = None, mentors: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programs is not None:
            self.fields["program"] = forms.ModelChoiceField(
                queryset=programs.order_by("name"),
                label="Host program",
                help_text="Its coordinators look after the community; its events belong to this program.",
            )
            self.fields["lead_email"] = forms.EmailField(
                label="First lead's e-mail", required=False, help_text="Someone with an employee record; optional."
            )
            self.order_fields(["name", "program", "summary", "skills", "department", "lead_email"])
        if mentors:
            del self.fields["department"]

    def clean_lead_email(self) -> Person | None:
        email = self.cleaned_data.get("lead_email", "").strip()
        if not email:
            return None
        person = Person.objects.employed().filter(email__iexact=email).first()
        if person is None:
            raise forms.ValidationError("Nobody in the roster has this e-mail address.")
        return person


class RoleForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=Membership.Role.choices)


class LeadByEmailForm(forms.Form):
    email = forms.EmailField(label="Make a lead (e-mail)")

    def clean_email(self) -> Person:
        person = Person.objects.employed().filter(email__iexact=self.cleaned_data["email"].strip()).first()
        if person is None:
            raise forms.ValidationError("Nobody in the roster has this e-mail address.")
        return person


class CommunityEventForm(EventForm):
    """The programs event form, for a community's lunch-and-learns and forums (no cycle)."""

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, program=program, **kwargs)
        for name in ("cycle", "open_to_alumni", "guests_per_person"):
            del self.fields[name]
        self.fields["kind"].choices = [(k.value, k.label) for k in COMMUNITY_EVENT_KINDS]
        self.fields["kind"].initial = Event.Kind.TRAINING
        self.fields["kind"].help_text = "A lunch-and-learn or talk is a training; a forum or meet-up a social."


class ResourceAddForm(forms.Form):
    resource = forms.ModelChoiceField(queryset=Resource.objects.none(), label="Resource from the library")

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = choices
