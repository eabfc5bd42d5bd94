"""Filters of the reports and the dashboard, and the roster upload."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone

from profiles.models import Department, Proficiency
from programs.models import Cycle
from reports.roster_file import MAX_BYTES
from reports.selectors.knowledge import SKILL_STATUSES
from reports.selectors.scope import ReportFilters, add_months, programs_in_scope


class DateInput(forms.DateInput):
    input_type = "date"


def _filter_helper(*fields: str, button: str = "Show") -> FormHelper:
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_class = "report-filters mb-4"
    helper.disable_csrf = True
    helper.layout = Layout(
        Row(*(Column(f, css_class="col-sm-6 col-lg") for f in fields), css_class="align-items-end"),
        Submit("", button, css_class="btn-primary"),
    )
    return helper


class ReportFilterForm(forms.Form):
    program = forms.ModelChoiceField(queryset=None, required=False, empty_label="All programs")
    cycle = forms.ModelChoiceField(queryset=None, required=False, empty_label="All cycles")
    department = forms.ModelChoiceField(queryset=Department.objects.all(), required=False, empty_label="All departments")
    date_from = forms.DateField(label="Cycles starting from", required=False, widget=DateInput)
    date_to = forms.DateField(label="Cycles starting until", required=False, widget=DateInput)

    field_order = ["program", "cycle", "department", "date_from", "date_to"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programs = programs_in_scope(user)
        if "program" in self.fields:
            self.fields["program"].queryset = self.programs
        if "cycle" in self.fields:
            self.fields["cycle"].queryset = Cycle.objects.filter(program__in=self.programs).select_related("program")
            self.fields["cycle"].label_from_instance = lambda c: f"{c.program.name} – {c.name}"
        self.helper = _filter_helper(*self.fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        program, cycle = data.get("program"), data.get("cycle")
        if program and cycle and cycle.program_id != program.pk:
            self.add_error("cycle", "This cycle belongs to another program.")
        return data

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            program_id=data["program"].pk if data.get("program") else None,
            cycle_id=data["cycle"].pk if data.get("cycle") else None,
            department_id=data["department"].pk if data.get("department") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


HORIZONS = [(6, "6 months"), (12, "12 months"), (24, "2 years"), (36, "3 years"), (60, "5 years")]


class KnowledgeFilterForm(ReportFilterForm):
    horizon = forms.TypedChoiceField(
        label="Eligible to retire within", choices=HORIZONS, coerce=int, initial=24, required=False
    )
    min_level = forms.TypedChoiceField(
        label="Skills held at",
        choices=[(Proficiency.PRACTITIONER, "Practitioner or Expert"), (Proficiency.EXPERT, "Expert only")],
        coerce=int,
        initial=Proficiency.PRACTITIONER,
        required=False,
    )

    status = forms.ChoiceField(
        label="Show", choices=[("", "Every skill at risk"), *SKILL_STATUSES.items()], required=False
    )

    field_order = ["horizon", "min_level", "department", "program", "status"]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            data.setdefault("horizon", "24")
            data.setdefault("min_level", str(Proficiency.PRACTITIONER.value))
        super().__init__(data, *args, **kwargs)
        for name in ("cycle", "date_from", "date_to"):
            del self.fields[name]
        self.fields["program"].label = "Count learners in"
        self.helper = _filter_helper(*self.fields)

    def options(self, today: date | None = None) -> dict[str, Any]:
        today = today or timezone.localdate()
        months = self.cleaned_data.get("horizon") or 24
        return {
            "horizon": add_months(today, months),
            "months": months,
            "min_level": self.cleaned_data.get("min_level") or Proficiency.PRACTITIONER,
            "status": self.cleaned_data.get("status") or "",
        }


class DashboardForm(forms.Form):
    program = forms.ModelChoiceField(queryset=None, required=False, empty_label=None)
    cycle = forms.ModelChoiceField(queryset=None, required=False, empty_label=None)

    def __init__(self, *args: Any, programs: Any, cycles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["cycle"].queryset = cycles
        self.helper = _filter_helper("program", "cycle")


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Roster file (CSV or XLSX)",
        help_text="Columns: employee id, name, e-mail, department; optionally title, grade, supervisor id, hire date, "
        "retirement-eligibility date, separation date and reason. Dates as YYYY-MM-DD or MM/DD/YYYY. Up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("", "Preview the import", css_class="btn-primary"))
        self.helper.attrs = {"enctype": "multipart/form-data"}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is larger than 10 MB. Split it or remove unused columns.")
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        return upload


class RosterApplyForm(forms.Form):
    valid_rows_only = forms.BooleanField(
        label="Apply only the valid rows and skip the rows with errors", required=False
    )
