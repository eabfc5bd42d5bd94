from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def no_profile(request):
    """A login without an employee record (e.g. a fresh SSO account) sees what to do next."""
    return render(request, "profiles/no_profile.html")
