from __future__ import annotations

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone

from profiles.models import (
    Department,
    DevelopmentGoal,
    GoalProgressNote,
    GoalStatus,
    Person,
    PersonSkill,
    Proficiency,
    Skill,
    SkillCategory,
)
from profiles.widgets import FastSelect


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "title",
            "phone",
            "office_location",
            "time_zone",
            "prefers_in_person",
            "prefers_video",
            "prefers_phone",
            "bio",
            "willing_to_mentor",
            "mentor_capacity",
            "receives_nudges",
            "show_email_to_pair",
            "show_phone_to_pair",
        ]
        labels = {"office_location": "Office location", "bio": "About me"}
        help_texts = {
            "prefers_in_person": "Preferred meeting formats: tick every one that works for you.",
            "bio": "What you work on and what you like to talk about. Shown on your card to colleagues.",
        }
        # About 420 time zones: the stock widget renders each option through a template.
        widgets = {"bio": forms.Textarea(attrs={"rows": 5}), "time_zone": FastSelect}

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(f) for f in ("prefers_in_person", "prefers_video", "prefers_phone")):
            self.add_error("prefers_in_person", "Choose at least one meeting format.")
        if data.get("willing_to_mentor") and not data.get("mentor_capacity"):
            self.add_error("mentor_capacity", "To mentor, say how many mentees you can take (at least 1).")
        return data


class PersonSkillForm(forms.ModelForm):
    class Meta:
        model = PersonSkill
        fields = ["skill", "level", "will_teach", "prefers_teaching"]
        widgets = {"skill": FastSelect, "level": FastSelect}

    def __init__(self, *args: object, skill_choices: list | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].required = False
        self.fields["level"].required = False
        # Empty rows start empty, so an untouched row is ignored rather than half-filled.
        self.fields["level"].choices = [("", "Choose a level"), *Proficiency.choices]
        if self.instance.pk is None:
            self.fields["level"].initial = None
        self.fields["skill"].widget.attrs["class"] = "form-select"
        self.fields["level"].widget.attrs["class"] = "form-select"
        self.fields["will_teach"].widget.attrs["class"] = "form-check-input"
        self.fields["prefers_teaching"].widget.attrs["class"] = "form-check-input"
        if skill_choices is not None:
            # Built once by the formset, so rendering N rows costs one catalogue query, not N.
            self.fields["skill"].choices = skill_choices


def grouped_skill_choices() -> list:
    groups: dict[str, list[tuple[int, str]]] = {}
    for skill in Skill.objects.select_related("category").order_by("category__name", "name"):
        groups.setdefault(skill.category.name, []).append((skill.pk, skill.name))
    return [("", "Choose a skill")] + list(groups.items())


class BasePersonSkillFormSet(BaseInlineFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._skill_choices = grouped_skill_choices()

    def get_form_kwargs(self, index: int | None) -> dict:
        kwargs = super().get_form_kwargs(index)
        kwargs["skill_choices"] = self._skill_choices
        return kwargs

    def validate_unique(self) -> None:
        # clean() below says which skill is listed twice, in words; Django's generic check
        # would drop the value from the row and say only "duplicate values".
        return

    def clean(self) -> None:
        super().clean()
        seen: dict[int, str] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            skill = form.cleaned_data.get("skill")
            if skill is None:
                if form.cleaned_data.get("level") or form.cleaned_data.get("will_teach") or form.cleaned_data.get(
                    "prefers_teaching"
                ):
                    form.add_error("skill", "Choose a skill, or leave the whole row empty.")
                continue
            if not form.cleaned_data.get("level"):
                form.add_error("level", "Choose a level for this skill.")
            if form.cleaned_data.get("prefers_teaching") and not form.cleaned_data.get("will_teach"):
                form.add_error("prefers_teaching", "Mark the skill as one you are willing to teach first.")
            if skill.pk in seen:
                form.add_error("skill", f"You listed “{skill.name}” twice. Keep one row per skill.")
            seen[skill.pk] = skill.name

    def entries(self) -> list[tuple[Skill, int, bool, bool]]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if data.get("DELETE") or data.get("skill") is None:
                continue
            rows.append((data["skill"], int(data["level"]), bool(data.get("will_teach")),
                         bool(data.get("prefers_teaching"))))
        return rows


PersonSkillFormSet = inlineformset_factory(
    Person,
    PersonSkill,
    form=PersonSkillForm,
    formset=BasePersonSkillFormSet,
    extra=3,
    can_delete=True,
    max_num=200,
    validate_max=True,
)


class GoalForm(forms.ModelForm):
    class Meta:
        model = DevelopmentGoal
        fields = ["skill", "current_level", "target_level", "aim", "priority", "target_date", "status"]
        labels = {"aim": "Aim (in your own words)"}
        help_texts = {"skill": "Name a skill and a target level, describe an aim, or both."}
        widgets = {"target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "skill": FastSelect}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = Skill.objects.order_by("name")

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("skill") and not (data.get("aim") or "").strip():
            # Said once, next to the fields, instead of the model's and the constraint's copies.
            raise forms.ValidationError("Name a skill or describe an aim for this goal.", code="goal_has_skill_or_aim")
        if data.get("target_level") and not data.get("skill"):
            self.add_error("target_level", "A target level needs a skill.")
        current, target = data.get("current_level"), data.get("target_level")
        if current is not None and not data.get("skill"):
            self.add_error("current_level", "A level now needs a skill.")
        elif current is not None and target and current >= target:
            self.add_error("current_level", f"Your level now ({current}) must be below the target level ({target}).")
        return data

    def save(self, commit: bool = True) -> DevelopmentGoal:
        goal = super().save(commit=False)
        # Reports count achieved goals by date, so the date follows the status.
        if goal.status == GoalStatus.ACHIEVED:
            goal.achieved_on = goal.achieved_on or timezone.localdate()
        else:
            goal.achieved_on = None
        if commit:
            goal.save()
        return goal

    def _post_clean(self) -> None:
        if self.errors:
            # The model would repeat the same complaints; the form has said them already.
            return
        super()._post_clean()


class GoalNoteForm(forms.ModelForm):
    class Meta:
        model = GoalProgressNote
        fields = ["text"]
        labels = {"text": "Add a progress note"}
        error_messages = {"text": {"required": "Write something in the note."}}
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class DirectoryForm(forms.Form):
    query = forms.CharField(label="Name", required=False, max_length=100)
    skill = forms.ModelChoiceField(Skill.objects.order_by("name"), required=False, empty_label="Any skill", widget=FastSelect)
    min_level = forms.TypedChoiceField(
        label="At least level",
        choices=[("", "Any level")] + list(Proficiency.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    department = forms.ModelChoiceField(
        Department.objects.order_by("name"), required=False, empty_label="Any department", widget=FastSelect
    )
    location = forms.CharField(label="Office location", required=False, max_length=120)
    willing_to_mentor = forms.BooleanField(label="Only people willing to mentor", required=False)


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label="Search name, e-mail or department", required=False, max_length=100)
    department = forms.ModelChoiceField(
        Department.objects.order_by("name"), required=False, empty_label="All departments", widget=FastSelect
    )
    login = forms.ChoiceField(
        label="Login",
        required=False,
        choices=[("", "Everyone"), ("yes", "Has a login"), ("no", "No login yet")],
    )


class SkillCategoryForm(forms.ModelForm):
    class Meta:
        model = SkillCategory
        fields = ["name"]


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name", "category", "description"]
        widgets = {"category": FastSelect}
