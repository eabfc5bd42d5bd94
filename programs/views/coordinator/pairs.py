"""Pairs of a cycle: list, pair by hand, end early, mark completed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.roles import coordinator_required
from common.listing import Sort, listing
from programs.forms.coordinator import PairCompleteForm, PairCreateForm, PairEndForm, add_service_errors
from programs.models import Mentorship
from programs.selectors import coordinator as selectors
from programs.services.pairs import mentorship_complete, mentorship_create, mentorship_end
from programs.views.coordinator._access import cycle_for, mentorship_for


@coordinator_required
def cycle_pairs(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_for(request, pk)
    form = PairCreateForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            pair = mentorship_create(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Paired {pair.mentor} with {pair.mentee}. Both are told.")
            return redirect(reverse("programs:cycle-pairs", args=[cycle.pk]))
    pairs = listing(
        request,
        selectors.cycle_pairs(
            cycle=cycle, status=request.GET.get("status", ""), at_risk_only=request.GET.get("at_risk") == "1"
        ),
        sorts=PAIR_SORTS,
        search_fields=PAIR_SEARCH,
        keep=("status", "at_risk"),
    )
    context = {
        "cycle": cycle,
        "form": form,
        "listing": pairs,
        "pairs": pairs.items,
        "statuses": Mentorship.Status.choices,
        "status": request.GET.get("status", ""),
        "at_risk_only": request.GET.get("at_risk") == "1",
    }
    return render(request, "programs/coordinator/pairs.html", context)


PAIR_SORTS = {
    "status": Sort("Status, then mentor", ("status", "mentor__last_name", "mentee__last_name", "pk")),
    "quiet": Sort("Fewest meetings first", ("meeting_count", "mentor__last_name", "pk")),
    "last-meeting": Sort("Longest since a meeting", ("last_meeting", "mentor__last_name", "pk")),
    "mentor": Sort("Mentor's name", ("mentor__last_name", "mentor__first_name", "pk")),
    "mentee": Sort("Mentee's name", ("mentee__last_name", "mentee__first_name", "pk")),
}
PAIR_SEARCH = (
    "mentor__first_name", "mentor__last_name", "mentor__email",
    "mentee__first_name", "mentee__last_name", "mentee__email",
)



def _close_pair(request: HttpRequest, pk: int, *, ending: bool) -> HttpResponse:
    pair = mentorship_for(request, pk)
    form_class = PairEndForm if ending else PairCompleteForm
    form = form_class(request.POST or None)
    if pair.status != Mentorship.Status.ACTIVE:
        messages.info(request, f"This pair is already {pair.get_status_display().lower()}.")
        return redirect(reverse("programs:cycle-pairs", args=[pair.cycle_id]))
    if request.method == "POST" and form.is_valid():
        try:
            if ending:
                mentorship_end(mentorship=pair, by=request.user, reason=form.cleaned_data["reason"])
            else:
                mentorship_complete(mentorship=pair, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = "ended" if ending else "marked completed"
            messages.success(request, f"The pair {pair} is {done}.")
            return redirect(reverse("programs:cycle-pairs", args=[pair.cycle_id]))
    return render(request, "programs/coordinator/pair_close.html", {"pair": pair, "form": form, "ending": ending})


@require_http_methods(["GET", "POST"])
@coordinator_required
def pair_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _close_pair(request, pk, ending=True)


@require_http_methods(["GET", "POST"])
@coordinator_required
def pair_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _close_pair(request, pk, ending=False)
