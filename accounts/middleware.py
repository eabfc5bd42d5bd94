"""Session limits: an idle timeout and an absolute lifetime, both enforced on every request.

Idle: a session unused for SESSION_IDLE_TIMEOUT_SECONDS is ended. Absolute: a session older
than SESSION_ABSOLUTE_SECONDS since sign-in is ended however busy it is. Django's own cookie age
cannot give the absolute limit because touching the session extends its expiry.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

LAST_SEEN_KEY = "_last_seen"
SIGNED_IN_KEY = "_signed_in_at"
# Writing the session on every request would cost a database write per page; a minute of
# slack in the idle timeout is an acceptable price for not doing so.
TOUCH_EVERY_SECONDS = 60


@receiver(user_logged_in)
def _stamp_sign_in(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_KEY] = now
        request.session[LAST_SEEN_KEY] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            last_seen = session.get(LAST_SEEN_KEY, now)
            signed_in = session.setdefault(SIGNED_IN_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
            elif now - signed_in > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, "Your session reached its time limit. Please sign in again.")
            elif now - last_seen >= TOUCH_EVERY_SECONDS or LAST_SEEN_KEY not in session:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)
