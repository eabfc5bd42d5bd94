"""The project's own error pages: 400, 403, 404, 500, the CSRF failure and "too many requests".

Each page uses the site's layout, says in plain words what happened and offers a way back. The
500 page is rendered without the request's context processors: when it is shown the database may
be the thing that failed, and a page that queries it to draw the menu would fail in turn.
Wired in mentorship/urls.py (handler400...handler429) and settings.CSRF_FAILURE_VIEW.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)


def _render(request: HttpRequest | None, template: str, status: int, context: dict | None = None) -> HttpResponse:
    body = loader.get_template(template).render(context or {}, request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Our PermissionDenied messages are written for the person ("These pages are for program
    # participants."); an empty one gets the page's general explanation.
    reason = str(exception) if exception is not None and exception.args else ""
    return _render(request, "403.html", 403, {"reason": reason})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return _render(None, "500.html", 500)
    except Exception:  # noqa: BLE001 - the error page itself must never raise
        logger.exception("The 500 page could not be rendered")
        return HttpResponse("Something went wrong on our side. Please try again in a few minutes.", status=500,
                            content_type="text/plain; charset=utf-8")


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "429.html", 429)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token: usually a page left open past the session."""
    return _render(request, "403_csrf.html", 403, {"no_cookie": "cookie" in reason.lower()})
