"""Flash conversation pages: ask from Find expertise, answer, say whether it was useful; the
expert's availability; volumes for coordinators and HR (counts only). Times are shown and typed
in the viewer's zone (common.middleware.ViewerTimeZoneMiddleware)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import reports_required
from flash import selectors, services
from flash.forms import AvailabilityForm, FlashAcceptForm, FlashDeclineForm, FlashFeedbackForm, FlashRequestForm
from flash.models import FlashConversation
from profiles.models import Person
from profiles.views import person_required
from programs.forms.coordinator import add_service_errors


@person_required
@require_GET
def my_conversations(request: HttpRequest, person: Person) -> HttpResponse:
    asked_of_me, asked_by_me = selectors.mine(person)
    accepts, per_month = services.availability_of(person)
    return render(request, "flash/mine.html", {
        "asked_of_me": asked_of_me, "asked_by_me": asked_by_me, "accepts": accepts, "per_month": per_month,
        "now": timezone.now(), "feedback_form": FlashFeedbackForm(), "decline_form": FlashDeclineForm(),
    })


@person_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    expert = get_object_or_404(Person.objects.employed().exclude(pk=person.pk), pk=pk)
    accepts, per_month = services.availability_of(expert)
    initial = {"skill": request.GET["skill"]} if request.GET.get("skill", "").isdigit() else {}
    form = FlashRequestForm(request.POST or None, expert=expert, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.flash_request(requester=person, expert=expert, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your request is on its way to {expert.full_name}. You will get an e-mail with their answer.")
            return redirect("flash:mine")
    return render(request, "flash/ask.html", {"form": form, "expert": expert, "accepts": accepts, "per_month": per_month})


@person_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    conversation = get_object_or_404(
        FlashConversation.objects.select_related("requester", "skill").filter(expert=person), pk=pk
    )
    form = FlashAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flash_accept(conversation=conversation, by=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Accepted. {conversation.requester.full_name} gets the invitation with a calendar entry.")
            return redirect("flash:mine")
    return render(request, "flash/accept.html", {"form": form, "conversation": conversation})


def _act(request: HttpRequest, action: Callable[[], Any], done: str) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("flash:mine")


@person_required
@require_POST
def decline(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    conversation = get_object_or_404(FlashConversation.objects.filter(expert=person), pk=pk)
    form = FlashDeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, lambda: services.flash_decline(conversation=conversation, by=person, reason=reason), "Declined; they have been told.")


@person_required
@require_POST
def withdraw(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    conversation = get_object_or_404(FlashConversation.objects.filter(requester=person), pk=pk)
    return _act(request, lambda: services.flash_withdraw(conversation=conversation, by=person), "Your request is withdrawn.")


@person_required
@require_POST
def feedback(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    conversation = get_object_or_404(FlashConversation.objects.filter(requester=person), pk=pk)
    form = FlashFeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose yes or no.")
        return redirect("flash:mine")
    data = form.cleaned_data
    return _act(
        request,
        lambda: services.flash_feedback(conversation=conversation, by=person, useful=data["useful"], note=data["note"]),
        "Thank you for saying.",
    )


@person_required
@require_http_methods(["GET", "POST"])
def availability(request: HttpRequest, person: Person) -> HttpResponse:
    accepts, per_month = services.availability_of(person)
    form = AvailabilityForm(request.POST or None, initial={"accepts": accepts, "per_month": per_month})
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_set(person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("flash:mine")
    return render(request, "flash/availability.html", {"form": form})


@reports_required
@require_GET
def volumes(request: HttpRequest) -> HttpResponse:
    return render(request, "flash/volumes.html", {"v": selectors.volumes()})
