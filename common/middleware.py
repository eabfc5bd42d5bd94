"""Request hygiene shared by every view."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone

from common.text import clean_text, has_unstorable

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CleanTextMiddleware:
    """Remove the characters common.text says no text may hold from every query and form value.

    This is the one place user text is cleaned on the way in: every form, the survey drafts that
    keep raw form data, the admin, all get text that PostgreSQL can store and XLSX can hold. No
    browser sends these characters from typed input; they arrive pasted from other programs.
    Uploaded files are not touched here: their readers (the roster import) clean their cells.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("QUERY_STRING") and _dirty(request.GET):
            request.GET = _cleaned(request.GET)
        if request.method == "POST" and request.content_type in FORM_TYPES and _dirty(request.POST):
            request.POST = _cleaned(request.POST)
        return self.get_response(request)


def _dirty(data: QueryDict) -> bool:
    return any(has_unstorable(key) or any(has_unstorable(v) for v in values) for key, values in data.lists())


def _cleaned(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(clean_text(key), [clean_text(value) for value in values])
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
