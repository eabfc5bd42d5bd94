"""Coordinator home, and creating or editing a program."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.roles import coordinator_required
from programs.forms.coordinator import ProgramForm
from programs.models import Program
from programs.selectors import coordinator as selectors
from programs.services.programs import program_save
from programs.views.coordinator._access import program_for


@coordinator_required
def coordinator_home(request: HttpRequest) -> HttpResponse:
    programs = selectors.coordinator_home(user=request.user)
    return render(request, "programs/coordinator/home.html", {"programs": programs})


def _save_program(request: HttpRequest, form: ProgramForm) -> Program:
    return program_save(
        program=form.save(commit=False), coordinators=form.cleaned_data["coordinators"], by=request.user
    )


@coordinator_required
def program_create(request: HttpRequest) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        program = _save_program(request, form)
        messages.success(request, f"Program “{program.name}” created. Add its first cycle next.")
        return redirect(reverse("programs:cycle-create", args=[program.slug]))
    return render(request, "programs/coordinator/program_form.html", {"form": form, "program": None})


@coordinator_required
def program_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        program = _save_program(request, form)
        messages.success(request, f"Program “{program.name}” saved.")
        return redirect(reverse("programs:coordinator-home"))
    return render(request, "programs/coordinator/program_form.html", {"form": form, "program": program})
