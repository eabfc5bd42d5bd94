"""Invitations: a coordinator sends them; the invitee accepts and chooses a password.

The invite page works on the staff roster, so it reads profiles.Person through
profiles.selectors; the models and services of accounts stay independent of profiles.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import InvitationAcceptForm, InviteByEmailForm
from accounts.roles import coordinator_required
from profiles import selectors as people


@coordinator_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """Invite roster people: by ticking them on the people list (person=<id>...) or by e-mail."""
    form = InviteByEmailForm()
    if request.method == "POST":
        if "person" in request.POST:
            ids = [value for value in request.POST.getlist("person") if value.isdigit()]
            targets = list(people.roster_without_login(ids=ids))
            if not targets:
                messages.error(request, "Select at least one person who has no login yet.")
                return redirect("profiles:people")
            _send(request, targets)
            return redirect(request.POST.get("next") if _safe_next(request) else "profiles:people")
        form = InviteByEmailForm(request.POST)
        if form.is_valid():
            emails = form.cleaned_data["emails"]
            targets = list(people.roster_without_login(emails=emails))
            found = {person.email.lower() for person in targets}
            missing = [address for address in emails if address not in found]
            if missing:
                form.add_error(
                    "emails",
                    "Not on the staff roster, or already able to sign in: " + ", ".join(missing) + ".",
                )
            else:
                _send(request, targets)
                return redirect("profiles:people")
    return render(
        request, "account/invite.html", {"form": form, "invitation_days": settings.INVITATION_VALID_DAYS}
    )


def _safe_next(request: HttpRequest) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})


def _send(request: HttpRequest, targets: list) -> None:
    sent, refused = 0, []
    for person in targets:
        try:
            services.invitation_send(email=person.email, invited_by=request.user, name=person.first_name)
            sent += 1
        except ValidationError as error:
            refused.append(" ".join(error.messages))
    if sent:
        messages.success(request, f"Invitation sent to {sent} {'person' if sent == 1 else 'people'}.")
    for reason in refused:
        messages.warning(request, reason)


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
