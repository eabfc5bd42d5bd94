"""Creating, editing and following a cycle."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.roles import coordinator_required
from common.dates import when
from programs.forms.coordinator import CycleCreateForm, CycleEditForm, add_service_errors
from programs.selectors import coordinator as selectors
from programs.services.cycles import CYCLE_EDITABLE_FIELDS, cycle_update
from programs.services.cycles import cycle_create as create_cycle
from programs.views.coordinator._access import cycle_for, program_for


@coordinator_required
def cycle_create(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug)
    form = CycleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = create_cycle(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Cycle “{cycle.name}” created: applications open {when(cycle.applications_open_on)}, "
                "and the kickoff, midpoint keynote and final celebration are scheduled.",
            )
            return redirect(cycle.get_absolute_url())
    return render(request, "programs/coordinator/cycle_form.html", {"form": form, "program": program, "cycle": None})


@coordinator_required
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_for(request, pk)
    initial = {name: getattr(cycle, name) for name in CYCLE_EDITABLE_FIELDS}
    form = CycleEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = cycle_update(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Cycle saved.")
            if result.moved_events:
                names = ", ".join(e.title for e in result.moved_events)
                messages.info(request, f"Moved with the new dates (nobody had replied yet): {names}.")
            for event in result.kept_events:
                messages.warning(
                    request,
                    f"“{event.title}” stays on {when(event.starts_at, 'date')} because people have "
                    "replied to it. Edit the event to move it; everyone who replied is told.",
                )
            return redirect(cycle.get_absolute_url())
    return render(
        request, "programs/coordinator/cycle_form.html", {"form": form, "program": cycle.program, "cycle": cycle}
    )


@coordinator_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_for(request, pk)
    return render(request, "programs/coordinator/cycle_detail.html", selectors.cycle_detail(cycle=cycle))
