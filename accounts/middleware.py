"""Idle session timeout: a session unused for SESSION_IDLE_TIMEOUT_SECONDS is ended.

The absolute limit is SESSION_COOKIE_AGE, which Django enforces because the session expiry is
set once at login and not extended on each request (SESSION_SAVE_EVERY_REQUEST stays False).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_SEEN_KEY = "_last_seen"
# Writing the session on every request would cost a database write per page; a minute of
# slack in the idle timeout is an acceptable price for not doing so.
TOUCH_EVERY_SECONDS = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
            elif now - last_seen >= TOUCH_EVERY_SECONDS or LAST_SEEN_KEY not in request.session:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
