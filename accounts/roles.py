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
