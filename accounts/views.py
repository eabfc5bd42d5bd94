"""Invitations: a coordinator sends them; the invitee accepts and chooses a password.

The invite page works on the staff roster, so it reads profiles.Person through
profiles.selectors; the models and services of accounts stay independent of profiles.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import InvitationAcceptForm


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationInvalid as problem:
        return render(request, "account/invitation_invalid.html", {"problem": str(problem)}, status=410)
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password1"])
        except services.InvitationInvalid as problem:
            return render(request, "account/invitation_invalid.html", {"problem": str(problem)}, status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Your password is set and you are signed in.")
        return redirect("home")
    return render(request, "account/invitation_accept.html", {"form": form, "invitation": invitation})
