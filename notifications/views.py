"""One-click unsubscribe from nudges, without signing in.

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
