"""Request hygiene shared by every view."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone


class StripNullCharactersMiddleware:
    """Remove NUL characters from query and form values before any view sees them.

    No browser sends them from typed input, PostgreSQL cannot store them in text or JSON, and
    views that keep raw form data (survey drafts, for one) would otherwise fail with a 500.
    Stripping here mends every such path at once instead of each view guarding itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            request.GET = _without_nul(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            if any("\x00" in value for values in request.POST.lists() for value in values[1]):
                request.POST = _without_nul(request.POST)
        return self.get_response(request)


def _without_nul(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned


class ViewerTimeZoneMiddleware:
    """Activate the signed-in person's time zone (their profile's) for the whole request.

    Every datetime a page shows (`|when`, and Django's own rendering) is then in the viewer's
    zone; someone without an employee record, or anonymous, sees the server's TIME_ZONE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = ""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                zone = user.person.time_zone or ""
            except ObjectDoesNotExist:
                zone = ""
        try:
            tz = ZoneInfo(zone) if zone else None
        except (ValueError, ZoneInfoNotFoundError):  # a zone the profile form would not offer
            tz = None
        if tz is None:
            return self.get_response(request)
        with timezone.override(tz):
            return self.get_response(request)
