"""A person downloads their own data; a coordinator removes a person who left."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.roles import coordinator_required
from privacy.selectors import people_removable_by
from privacy.services import person_anonymise, person_data_export
from programs.selectors.access import person_of


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """What we hold about me, on a page, with a JSON download."""
    person = person_of(request.user)
    if person is None:
        raise Http404("No employee record is linked to this login.")
    if request.GET.get("format") == "json":
        data = person_data_export(person=person)
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="my-mentorship-data-{stamp}.json"'
        return response
    return render(request, "privacy/my_data.html", {"person": person})


class RemovePersonForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        help_text="Kept with the audit entry, where only administrators read it, e.g. 'Left the department on 2026-09-30'.",
    )
    confirm = forms.BooleanField(label="I understand this cannot be undone.")


@coordinator_required
@require_http_methods(["GET", "POST"])
def person_remove(request: HttpRequest, pk: int) -> HttpResponse:
    # 404, not 403, for a person outside the coordinator's programs: the id confirms nothing.
    person = get_object_or_404(
        people_removable_by(request.user).select_related("department"), pk=pk, anonymised_at__isnull=True
    )
    form = RemovePersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person_anonymise(person=person, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The person's data was removed. Program figures keep their counts.")
            return redirect("privacy:removed")
    return render(request, "privacy/person_remove.html", {"person": person, "form": form})


@coordinator_required
def removed(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/removed.html")
