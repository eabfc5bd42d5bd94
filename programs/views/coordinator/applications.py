"""Reviewing applications: filter, search, and decide in bulk."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.roles import coordinator_required
from common.listing import listing
from programs.forms.coordinator import ApplicationFilterForm, DecisionForm
from programs.models import Enrollment
from programs.selectors import coordinator as selectors
from programs.services.enrollments import enrollments_decide
from programs.views.coordinator._access import cycle_for


@coordinator_required
def cycle_applications(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_for(request, pk)
    filter_form = ApplicationFilterForm(request.GET or None)
    filters = selectors.ApplicationFilters()
    if filter_form.is_valid():
        filters = selectors.ApplicationFilters(**filter_form.cleaned_data)
    decision_form = DecisionForm(request.POST or None, cycle=cycle)
    if request.method == "POST":
        if decision_form.is_valid():
            result = enrollments_decide(
                enrollments=decision_form.cleaned_data["enrollments"],
                status=decision_form.cleaned_data["action"],
                by=request.user,
                note=decision_form.cleaned_data["note"],
            )
            label = Enrollment.Status(decision_form.cleaned_data["action"]).label.lower()
            if result.decided:
                messages.success(request, f"{len(result.decided)} application(s) {label}; each applicant is told.")
            if result.unchanged:
                messages.info(request, f"{len(result.unchanged)} already {label}: nothing changed for them.")
            for enrollment, why in result.skipped:
                messages.warning(request, f"{enrollment.person} was not changed: {why}.")
            return redirect(request.get_full_path())
        messages.error(request, "No decision was made: " + " ".join(decision_form.errors.get("enrollments", [])))
    applications = listing(
        request, selectors.cycle_applications(cycle=cycle, filters=filters), keep=("role", "status", "q")
    )
    ticked = {str(v) for v in request.POST.getlist("enrollments")}
    return render(
        request,
        "programs/coordinator/applications.html",
        {
            "cycle": cycle,
            "filter_form": filter_form,
            "decision_form": decision_form,
            "listing": applications,
            "enrollments": applications.items,
            "ticked": ticked,
        },
    )
