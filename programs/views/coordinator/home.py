"""Coordinator home, and creating or editing a program."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.roles import coordinator_required
from audit.services import audit_record
from programs.forms.coordinator import ProgramForm
from programs.models import Program
from programs.selectors import coordinator as selectors
from programs.views.coordinator._access import program_for


@coordinator_required
def coordinator_home(request: HttpRequest) -> HttpResponse:
    programs = selectors.coordinator_home(user=request.user)
    return render(request, "programs/coordinator/home.html", {"programs": programs})


def _save_program(request: HttpRequest, form: ProgramForm, action: str) -> Program:
    with transaction.atomic():
        program = form.save()
        # Whoever creates or edits a program keeps coordinating it, so they cannot lock themselves out.
        if not request.user.is_superuser:
            program.coordinators.add(request.user)
        audit_record(actor=request.user, action=action, target=program, summary=program.name)
    return program


@coordinator_required
def program_create(request: HttpRequest) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        program = _save_program(request, form, "program.create")
        messages.success(request, f"Program “{program.name}” created. Add its first cycle next.")
        return redirect(reverse("programs:cycle-create", args=[program.slug]))
    return render(request, "programs/coordinator/program_form.html", {"form": form, "program": None})


@coordinator_required
def program_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        program = _save_program(request, form, "program.edit")
        messages.success(request, f"Program “{program.name}” saved.")
        return redirect(reverse("programs:coordinator-home"))
    return render(request, "programs/coordinator/program_form.html", {"form": form, "program": program})
