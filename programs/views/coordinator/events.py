"""Events of a program: list, schedule, change, cancel, replies and attendance."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.roles import coordinator_required
from programs.forms.coordinator import EventCancelForm, EventForm, add_service_errors
from programs.models import RSVP, Event
from programs.selectors import coordinator as selectors
from programs.services.events import EVENT_EDITABLE_FIELDS, event_attendance_record, event_update
from programs.services.events import event_cancel as cancel_event
from programs.services.events import event_create as create_event
from programs.views.coordinator._access import event_for, program_for


@coordinator_required
def program_events(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug)
    events = selectors.events_with_rsvp_counts(Event.objects.filter(program=program)).order_by("-starts_at")
    return render(request, "programs/coordinator/events.html", {"program": program, "events": list(events)})


@coordinator_required
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug)
    initial = {"cycle": request.GET.get("cycle")} if request.GET.get("cycle", "").isdigit() else {}
    form = EventForm(request.POST or None, program=program, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = create_event(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{event.title}” scheduled.")
            return redirect(reverse("programs:program-events", args=[program.slug]))
    return render(
        request,
        "programs/coordinator/event_form.html",
        {"form": form, "program": program, "event": None, "time_zone": settings.TIME_ZONE},
    )


@coordinator_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_for(request, pk)
    if event.is_cancelled:
        messages.info(request, "This event was cancelled; it can no longer be changed.")
        return redirect(reverse("programs:event-rsvps", args=[event.pk]))
    initial = {name: getattr(event, name) for name in EVENT_EDITABLE_FIELDS}
    form = EventForm(request.POST or None, program=event.program, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changes = event_update(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            told = " Everyone who replied is told: " + "; ".join(changes) + "." if changes else ""
            messages.success(request, f"“{event.title}” saved.{told}")
            return redirect(reverse("programs:program-events", args=[event.program.slug]))
    return render(
        request,
        "programs/coordinator/event_form.html",
        {"form": form, "program": event.program, "event": event, "time_zone": settings.TIME_ZONE},
    )


@require_http_methods(["GET", "POST"])
@coordinator_required
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_for(request, pk)
    form = EventCancelForm(request.POST or None)
    if event.is_cancelled:
        messages.info(request, "This event is already cancelled.")
        return redirect(reverse("programs:program-events", args=[event.program.slug]))
    if request.method == "POST" and form.is_valid():
        cancel_event(event=event, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"“{event.title}” cancelled. Everyone who replied is told.")
        return redirect(reverse("programs:program-events", args=[event.program.slug]))
    return render(request, "programs/coordinator/event_cancel.html", {"event": event, "form": form})


@require_http_methods(["GET", "POST"])
@coordinator_required
def event_rsvps(request: HttpRequest, pk: int) -> HttpResponse:
    """Who replied, and the attendance sheet: one checkbox per person going, saved in one POST."""
    event = event_for(request, pk)
    if request.method == "POST":
        try:
            ids = [int(v) for v in request.POST.getlist("attended")]
        except ValueError:
            ids = None
            messages.error(request, "The attendance sheet was not understood; nothing was saved.")
        if ids is not None:
            try:
                attended, absent = event_attendance_record(event=event, attended_person_ids=ids, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Attendance saved: {attended} attended, {absent} did not.")
            return redirect(reverse("programs:event-rsvps", args=[event.pk]))
    groups = selectors.event_rsvps(event=event)
    context = {
        "event": event,
        "going": groups[RSVP.Status.GOING],
        "waitlist": groups[RSVP.Status.WAITLIST],
        "not_going": groups[RSVP.Status.NOT_GOING],
        "seats_taken": sum(r.seats for r in groups[RSVP.Status.GOING]),
    }
    return render(request, "programs/coordinator/event_rsvps.html", context)
