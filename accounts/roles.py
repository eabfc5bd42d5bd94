"""Role checks shared by every app. Program-level scoping lives in programs.selectors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def is_coordinator(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_coordinator or user.is_superuser))


def is_hr_analyst(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_hr_analyst or user.is_superuser))


def _role_required(check: Callable[[Any], bool]) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


coordinator_required = _role_required(is_coordinator)
hr_required = _role_required(is_hr_analyst)
reports_required = _role_required(lambda u: is_hr_analyst(u) or is_coordinator(u))


# --- Homes -------------------------------------------------------------------------------------
# Each role starts its day on its own page. Someone with several roles lands on the first that
# applies (coordinating is the most time-bound work, then HR's reports, then taking part) and can
# switch from the account menu; the choice is kept for the session.
HOMES: tuple[tuple[str, str, str], ...] = (
    ("coordinator", "Coordinate", "homes:coordinator"),
    ("hr", "Reports", "reports:index"),
    ("participant", "Take part", "programs:participant-home"),
)
HOME_SESSION_KEY = "home_role"


def available_homes(user: Any) -> list[tuple[str, str, str]]:
    """The (role, label, url name) homes this user may use, in landing order."""
    has = {
        "coordinator": is_coordinator(user),
        "hr": is_hr_analyst(user),
        "participant": bool(user.is_authenticated and hasattr(user, "person")),
    }
    return [home for home in HOMES if has[home[0]]]


def home_role(request: HttpRequest) -> str | None:
    """The role whose home this request's user lands on: their switch if still valid, else the first."""
    homes = available_homes(request.user)
    chosen = request.session.get(HOME_SESSION_KEY)
    for role, _label, _url in homes:
        if role == chosen:
            return role
    return homes[0][0] if homes else None
