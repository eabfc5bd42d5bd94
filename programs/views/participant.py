"""The participant portal: home, applications, events and RSVPs, pair pages and meetings."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def participant_home(request):
    return render(request, "programs/placeholder.html", {"title": "My program"})
