"""Forms of the matching pages. Choices come from lists the page already loaded (no query per field)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from matching import engine
from matching.models import MatchProposal, MatchRun, MatchSettings
from profiles.models import Person


def _people(people: Iterable[Person], blank: str = "Choose…") -> list[tuple[str, str]]:
    return [("", blank)] + [(str(p.pk), p.full_name) for p in people]


def _points(label: str, help_text: str = "") -> forms.FloatField:
    # Ranges are the engine's to judge (one place for each rule): the form only asks for a number.
    return forms.FloatField(label=label, help_text=help_text)


class MatchSettingsForm(forms.Form):
    """The cycle's engine settings. Invalid combinations come back from the engine as
    ProblemError, which `to_settings` turns into an error on the field it names."""

    mode = forms.ChoiceField(choices=MatchSettings.Mode.choices, widget=forms.RadioSelect)
    match_everyone = forms.BooleanField(
        label="Match everyone", required=False,
        help_text="Pair as many mentees as possible, even with a mentor who teaches none of their goals. "
        "Off: a mentor must close part of at least one goal.",
    )
    min_score = _points("Minimum score", "Pairs scoring below this are never proposed (locked pairs excepted).")
    unmatched_penalty = _points(
        "Points lost per unmatched mentee",
        "0 proposes only pairs that add points; a large value matches as many mentees as possible.",
    )
    k = forms.IntegerField(
        label="Candidate mentors per mentee", min_value=1, max_value=500,
        help_text="The engine keeps each mentee's best mentors, plus those they chose.",
    )
    allow_repeat_pairs = forms.BooleanField(
        label="Allow pairs from earlier cycles again", required=False,
        help_text="This is the cycle's own option: pairs made by hand follow it too.",
    )
    tz_window_hours = _points("Time-zone window (hours)",
                              "Time-zone points fall to 0 at this distance, counted the short way round the date line.")
    skill = _points("Skill fit: a mentor who closes the whole plan (points)")
    skill_base = _points("Share earned for closing any part of one goal (0-1)",
                         "The floor that context points must stay below.")
    knowledge_transfer = _points("Knowledge transfer (points)")
    mentor_skill = _points("The mentor most wants to teach the skill (points)")
    cross_department = _points("Different departments (points)", "Negative: a penalty, so same-department pairs win.")
    location = _points("Same location (points)")
    timezone = _points("Same time zone (points)")
    format = _points("Shared meeting format (points)")
    mentor_department = _points("A department the mentor asked for (points)")
    choice_1 = _points("Mentee's 1st choice (points)")
    choice_2 = _points("Mentee's 2nd choice (points)")
    choice_3 = _points("Mentee's 3rd choice (points)")
    met_wish = forms.FloatField(
        label="Met at speed rounds and want to work together (points)", required=False,
        help_text="When the mentor or the mentee marked the other at a speed round of this program. 0 ignores it.",
    )

    WEIGHTS = ("skill", "skill_base", "knowledge_transfer", "mentor_skill", "cross_department", "location",
               "timezone", "format", "mentor_department")
    SETTINGS = ("min_score", "match_everyone", "unmatched_penalty", "k", "allow_repeat_pairs", "tz_window_hours")

    @classmethod
    def initial_from(cls, settings: engine.Settings, mode: str) -> dict[str, Any]:
        w = settings.weights
        choice = list(w.choice) + [w.choice[-1]] * 3
        return {
            "mode": mode,
            **{name: getattr(settings, name) for name in cls.SETTINGS},
            **{name: getattr(w, name) for name in cls.WEIGHTS},
            "choice_1": choice[0],
            "choice_2": choice[1],
            "choice_3": choice[2],
            "met_wish": w.met_wish,
        }

    def to_settings(self, base: engine.Settings) -> engine.Settings | None:
        """The engine settings, or None with the engine's reason added to the form."""
        data = self.cleaned_data
        try:
            weights = engine.Weights.from_dict(
                {
                    **base.weights.to_dict(),
                    **{name: data[name] for name in self.WEIGHTS},
                    "choice": [data["choice_1"], data["choice_2"], data["choice_3"]],
                    **({"met_wish": data["met_wish"]} if data.get("met_wish") is not None else {}),
                }
            )
            return engine.Settings.from_dict(
                {**base.to_dict(), "weights": weights.to_dict(), **{name: data[name] for name in self.SETTINGS}}
            )
        except engine.ProblemError as error:
            field = {"choice": "choice_1", "priority": None}.get(error.field or "", error.field)
            self.add_error(field if field in self.fields else None, _sentence(str(error)))
            return None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def score_scale(settings: engine.Settings) -> dict[str, float]:
    """The score's scale in numbers, for the settings page (docs/matching.md, "The score")."""
    w = settings.weights
    return {
        "full": w.skill,
        "base": w.base_points(),
        "context": w.context_span(),
        "context_share": 100 * w.context_span() / w.skill,
        "headroom": w.base_points() - w.context_span(),
    }


class BanForm(forms.Form):
    mentor = forms.ChoiceField()
    mentee = forms.ChoiceField()
    reason = forms.CharField(max_length=300, help_text="Kept with the ban and in the audit log.")

    def __init__(self, *args: Any, mentors: list[Person], mentees: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = _people(mentors)
        self.fields["mentee"].choices = _people(mentees)
        self._people = {str(p.pk): p for p in [*mentors, *mentees]}

    def person(self, field: str) -> Person:
        return self._people[self.cleaned_data[field]]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("mentor") and data.get("mentor") == data.get("mentee"):
            raise forms.ValidationError("Choose two different people.")
        return data


class PairPickForm(forms.Form):
    """A mentor and a mentee, for 'add by hand' and 'why not this mentor?'."""

    mentee = forms.ChoiceField()
    mentor = forms.ChoiceField()

    def __init__(self, *args: Any, mentors: list[Person], mentees: list[Person], prefix: str, **kwargs: Any) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["mentor"].choices = _people(mentors)
        self.fields["mentee"].choices = _people(mentees)
        self._mentors = {str(p.pk): p for p in mentors}
        self._mentees = {str(p.pk): p for p in mentees}

    @property
    def mentor_person(self) -> Person:
        return self._mentors[self.cleaned_data["mentor"]]

    @property
    def mentee_person(self) -> Person:
        return self._mentees[self.cleaned_data["mentee"]]


class SwapForm(forms.Form):
    first = forms.ChoiceField(label="First mentee")
    second = forms.ChoiceField(label="Second mentee")

    def __init__(self, *args: Any, live: list[MatchProposal], **kwargs: Any) -> None:
        super().__init__(*args, prefix="swap", **kwargs)
        choices = [("", "Choose…")] + [(str(p.pk), f"{p.mentee} (now with {p.mentor})") for p in live]
        self.fields["first"].choices = choices
        self.fields["second"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("first") and data.get("first") == data.get("second"):
            raise forms.ValidationError("Choose two different mentees.")
        return data


class CompareForm(forms.Form):
    a = forms.ChoiceField(label="Run")
    b = forms.ChoiceField(label="Compared with run")

    def __init__(self, *args: Any, runs: list[MatchRun], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(r.pk), f"Run {r.pk} ({r.created_at:%d %b %H:%M}, {r.matched_count} pairs)") for r in runs]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            raise forms.ValidationError("Choose two different runs.")
        return data


class RankForm(forms.Form):
    """Up to three ranked mentors among those the mentee may choose."""

    first = forms.ChoiceField(label="1st choice")
    second = forms.ChoiceField(label="2nd choice", required=False)
    third = forms.ChoiceField(label="3rd choice", required=False)

    def __init__(self, *args: Any, mentors: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first", "second", "third"):
            self.fields[name].choices = _people(mentors, blank="No one")
            self.fields[name].error_messages["invalid_choice"] = (
                "Choose among your suggested mentors (a mentor who declined, or whose places are taken, is no longer listed)."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        picked = [data.get(n) for n in ("first", "second", "third") if data.get(n)]
        if len(set(picked)) != len(picked):
            raise forms.ValidationError("Choose each mentor only once.")
        if not data.get("first") and picked:
            self.add_error("first", "Start with your 1st choice.")
        data["mentor_ids"] = [int(p) for p in picked]
        return data


class DecideForm(forms.Form):
    note = forms.CharField(
        label="Note to the mentee (optional)", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RematchForm(forms.Form):
    """End a pair so its mentee is matched again (the help-and-flags page posts it)."""

    reason = forms.CharField(
        label="Why a new match?", max_length=480, error_messages={"required": "Say why this mentee needs a new match."}
    )
    help_request = forms.IntegerField(required=False, widget=forms.HiddenInput)
