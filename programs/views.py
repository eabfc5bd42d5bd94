"""Placeholder views: replaced by the participant portal and coordinator pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.roles import coordinator_required


@login_required
def participant_home(request):
    return render(request, "programs/placeholder.html", {"title": "My program"})


@coordinator_required
def coordinator_home(request):
    return render(request, "programs/placeholder.html", {"title": "Coordinate"})
