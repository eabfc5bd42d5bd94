from __future__ import annotations

from typing import Any

from django import forms

from profiles.models import Skill
from programs.models import Event, Program
from resources.files import file_type_of, max_upload_bytes
from resources.models import Resource


class ResourceForm(forms.ModelForm):
    program = forms.ModelChoiceField(queryset=Program.objects.none(), empty_label=None)
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.none(), required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Pairs whose mentee has a goal on one of these skills see it first.",
    )
    event = forms.ModelChoiceField(queryset=Event.objects.none(), required=False, empty_label="No event")
    file = forms.FileField(required=False)
    url = forms.URLField(label="Link", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Resource
        fields = ["program", "title", "summary", "kind", "milestone", "audience", "skills", "event", "url", "file"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"milestone": "Where a pair is in its cycle when this helps most."}

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["skills"].queryset = Skill.objects.order_by("name")
        self.fields["event"].queryset = Event.objects.filter(program__in=programs).order_by("-starts_at")
        mb = max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = f"PDF, Word, Excel, PowerPoint, OpenDocument, text, PNG, JPEG or MP4, up to {mb} MB."
        self.fields["url"].help_text = "A link instead of a file, for example a recording on the intranet."
        self.checked_type = None

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            self.checked_type = file_type_of(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        has_file = bool(data.get("file")) and data.get("file") is not False
        has_url = bool(data.get("url"))
        if has_file and has_url:
            self.add_error("url", "Give a link or a file, not both.")
        elif not has_file and not has_url and not self.has_error("file") and not self.has_error("url"):
            self.add_error("file", "Upload a file or give a link.")
        event, program = data.get("event"), data.get("program")
        if event and program and event.program_id != program.pk:
            self.add_error("event", "Choose an event of the same program.")
        return data
