"""The calendar feed itself (no login: the secret address is the key) and the page to manage it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calendars import services
from calendars.feed import person_calendar
from calendars.models import CalendarFeed
from profiles.models import Person
from profiles.views import person_required


def _feed_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('calendars:feed', args=[token])}"


@never_cache
@person_required
@require_http_methods(["GET"])
def feed_settings(request: HttpRequest, person: Person) -> HttpResponse:
    feed = CalendarFeed.objects.filter(person=person).first()
    return render(request, "calendars/settings.html", {"feed": feed, "new_url": None})


@never_cache
@person_required
@require_POST
def feed_issue(request: HttpRequest, person: Person) -> HttpResponse:
    replaced = CalendarFeed.objects.filter(person=person).exists()
    token = services.feed_issue(person=person)
    url = _feed_url(token)
    # Rendered, not redirected: the secret never travels in a Location header or the session,
    # and it is shown this once (only its digest is kept).
    return render(
        request,
        "calendars/settings.html",
        {
            "feed": CalendarFeed.objects.get(person=person),
            "new_url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1],
            "replaced": replaced,
        },
    )


@person_required
@require_POST
def feed_revoke(request: HttpRequest, person: Person) -> HttpResponse:
    if services.feed_revoke(person=person):
        messages.success(request, "Your calendar address is turned off. Calendars subscribed to it will stop updating.")
    return redirect("calendars:settings")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    calendar_feed = services.feed_by_token(token)
    if calendar_feed is None:
        raise Http404("No calendar at this address: it may have been replaced or turned off.")
    services.feed_mark_read(calendar_feed)
    response = HttpResponse(person_calendar(calendar_feed.person), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mentorship.ics"'
    # The address is a secret: no shared cache may keep the body, no search engine the address.
    response["Cache-Control"] = "private, max-age=0, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
