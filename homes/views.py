"""The coordinator's home. Participants' and HR's homes are their apps' own first pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.roles import coordinator_required
from homes.selectors import coordinator_today


@coordinator_required
def coordinator(request: HttpRequest) -> HttpResponse:
    return render(request, "homes/coordinator.html", {"today": coordinator_today(request.user)})
