"""Speed rounds: the coordinator's schedule (generate, show, print) and each attendee's own
timetable with "I'd like to work with this person"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import coordinator_required
from profiles.models import Person
from profiles.views import person_required
from programs.forms.coordinator import add_service_errors
from programs.models import Event
from programs.selectors.access import coordinated_events
from speedrounds import selectors, services
from speedrounds.forms import GenerateForm
from speedrounds.models import Schedule, Seat


def _coordinated_event(request: HttpRequest, pk: int) -> Event:
    return get_object_or_404(coordinated_events(request.user).select_related("program", "cycle"), pk=pk)


@coordinator_required
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    event = _coordinated_event(request, pk)
    current = Schedule.objects.filter(event=event).first()
    initial = {"minutes_per_round": current.minutes_per_round, "rounds": current.rounds} if current else {}
    form = GenerateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.schedule_generate(
                event=event,
                by=request.user,
                minutes_per_round=form.cleaned_data["minutes_per_round"],
                rounds=form.cleaned_data["rounds"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{made.rounds} rounds, {made.meetings.count()} conversations.")
            return redirect("speedrounds:schedule", pk=event.pk)
    mentors, mentees = services.attendees_by_role(event)
    context = {"event": event, "form": form, "schedule": current, "going_mentors": mentors, "going_mentees": mentees}
    if current is not None:
        context.update(
            rounds=selectors.schedule_rounds(current),
            wishes=selectors.wish_counts(current),
            **selectors.seats_of(current),
        )
        names = {p.pk: p.full_name for p in (*mentors, *mentees)}
        context["kept_apart"] = [(names.get(a, "someone"), names.get(b, "someone")) for a, b in current.kept_apart]
    return render(request, "speedrounds/schedule.html", context)


@coordinator_required
@require_GET
def printable(request: HttpRequest, pk: int) -> HttpResponse:
    event = _coordinated_event(request, pk)
    current = get_object_or_404(Schedule, event=event)
    return render(
        request,
        "speedrounds/print.html",
        {
            "event": event,
            "schedule": current,
            "rounds": selectors.schedule_rounds(current),
            **selectors.seats_of(current),
        },
    )


@person_required
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    seat = get_object_or_404(Seat.objects.select_related("schedule__event"), schedule__event_id=pk, person=person)
    current = seat.schedule
    met = services.people_met(current, person)
    if request.method == "POST":
        chosen = [int(v) for v in request.POST.getlist("whom") if v.isdigit() and len(v) < 12]
        try:
            count = services.wishes_set(schedule=current, person=person, whom=chosen)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"Saved: {count} {'person' if count == 1 else 'people'} you would like to work with."
            )
            return redirect("speedrounds:mine", pk=pk)
    wished = set(current.wishes.filter(by=person).values_list("whom_id", flat=True))
    return render(
        request,
        "speedrounds/mine.html",
        {
            "event": current.event,
            "schedule": current,
            "seat": seat,
            "rounds": selectors.my_rounds(current, person),
            "met": met,
            "wished": wished,
        },
    )
