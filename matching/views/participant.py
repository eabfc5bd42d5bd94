"""Participant pages: a mentee chooses among their suggested mentors; a mentor answers requests.

A mentee sees only their own suggestions and choices; a mentor only the requests addressed to
them. Nothing about match runs is shown here: pairs appear on the pair page once published.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from matching import selectors
from matching.forms import DecideForm, RankForm
from matching.models import MenteeChoice
from matching.services import choice as choice_service
from programs.models import Mentorship
from programs.selectors.access import person_of


@login_required
def choice_list(request: HttpRequest) -> HttpResponse:
    cycles = list(selectors.choice_cycles_for(request.user).order_by("-starts_on"))
    if len(cycles) == 1:
        return redirect("matching:choice", cycles[0].pk)
    return render(request, "matching/choice_list.html", {"cycles": cycles})


@login_required
def choice(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    person = person_of(request.user)
    cycle = get_object_or_404(selectors.choice_cycles_for(request.user), pk=cycle_pk)
    closed = choice_service.choice_closed_reason(cycle)
    current = choice_service.current_choices(cycle=cycle, mentee=person)
    suggested = choice_service.mentee_suggestions(cycle=cycle, mentee=person)
    pair = Mentorship.objects.active().filter(cycle=cycle, mentee=person).select_related("mentor").first()
    live = [c for c in current if c.status != MenteeChoice.Status.DECLINED]
    options = [s.person for s in suggested]
    options += [c.mentor for c in live if c.mentor_id not in {p.pk for p in options}]
    initial = {name: str(c.mentor_id) for name, c in zip(("first", "second", "third"), live, strict=False)}
    form = RankForm(request.POST or None, mentors=options, initial=initial)
    if request.method == "POST" and not closed and pair is None and form.is_valid():
        try:
            choice_service.mentee_choices_set(cycle=cycle, mentee=person, mentor_ids=form.cleaned_data["mentor_ids"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Your ranking is saved. The mentors you chose can see your request.")
            return redirect("matching:choice", cycle.pk)
    elif request.method == "POST" and (closed or pair is not None):
        messages.error(request, closed or "You already have a mentor in this cycle.")
        return redirect("matching:choice", cycle.pk)
    context = {
        "cycle": cycle,
        "closed": closed,
        "pair": pair,
        "suggested": suggested,
        "current": current,
        "form": form,
        "component_labels": selectors.COMPONENT_LABELS,
    }
    return render(request, "matching/choice.html", context, status=400 if form.errors else 200)


@login_required
def requests_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    if person is None:
        raise Http404
    rows = list(selectors.requests_for_mentor(person))
    return render(request, "matching/requests.html", {"rows": rows, "form": DecideForm()})


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request.user)
    if person is None:
        raise Http404
    choice = get_object_or_404(MenteeChoice.objects.select_related("mentee"), pk=pk, mentor=person)
    form = DecideForm(request.POST)
    accept = request.POST.get("decision") == "accept"
    if not form.is_valid() or request.POST.get("decision") not in ("accept", "decline"):
        messages.error(request, "Choose to accept or decline, with a note of at most 500 characters.")
        return redirect("matching:requests")
    try:
        choice_service.mentee_choice_decide(choice=choice, mentor=person, accept=accept, note=form.cleaned_data["note"])
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        if accept:
            messages.success(request, f"You accepted {choice.mentee}'s request. The coordinator publishes the pairs.")
        else:
            messages.success(request, f"You declined {choice.mentee}'s request. They will see other suggestions.")
    return redirect("matching:requests")
