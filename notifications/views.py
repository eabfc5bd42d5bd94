"""One-click unsubscribe from nudges, without signing in; the coordinators' undelivered-mail page.

GET shows what the link will do and a button (link scanners in mail systems follow GETs, so a
GET never changes anything). POST turns nudges off: the button, or the mail client itself
through List-Unsubscribe-Post (RFC 8058), which sends no CSRF token: the signed link is the
authority, hence csrf_exempt.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.roles import coordinator_required
from common.listing import Sort, listing
from notifications import selectors
from notifications.tokens import person_from_token

logger = logging.getLogger("notifications.unsubscribe")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    person = person_from_token(token)
    if person is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    context = {"person": person, "profile_url": reverse("profiles:profile-edit")}
    if request.method == "POST":
        if person.receives_nudges:
            person.receives_nudges = False
            person.save(update_fields=["receives_nudges", "updated_at"])
            logger.info("Person %s turned reminder e-mails off from a link", person.pk)
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe_confirm.html", context)


FAILED_SORTS = {
    "newest": Sort("Newest first", ("-created_at", "-pk")),
    "recipient": Sort("Recipient", ("email", "-created_at", "pk")),
    "kind": Sort("Kind of e-mail", ("kind", "-created_at", "pk")),
}


@coordinator_required
def failed(request: HttpRequest) -> HttpResponse:
    """E-mails the relay refused for good (a 5xx reply, an address that does not exist) or that
    ran out of tries, for the programs this coordinator runs: someone has to tell these people
    another way, or correct their address on the roster."""
    deliveries = listing(request, selectors.failed_deliveries(request.user), sorts=FAILED_SORTS, search_fields=("email",))
    return render(request, "notifications/failed.html", {"listing": deliveries, "deliveries": deliveries.items})
