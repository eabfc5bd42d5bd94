"""Coordinator pages: programs and cycles, applications, pairs, events and attendance."""

from django.shortcuts import render

from accounts.roles import coordinator_required


@coordinator_required
def coordinator_home(request):
    return render(request, "programs/placeholder.html", {"title": "Coordinate"})
