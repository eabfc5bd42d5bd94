from django.shortcuts import render

from accounts.roles import reports_required


@reports_required
def index(request):
    return render(request, "programs/placeholder.html", {"title": "Reports"})
