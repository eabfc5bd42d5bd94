"""Project-level pages: the role-aware home and the health endpoint."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import HOME_SESSION_KEY, available_homes, home_role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page where their daily work starts (see accounts.roles.HOMES)."""
    role = home_role(request)
    for home_key, _label, url_name in available_homes(request.user):
        if home_key == role:
            return redirect(url_name)
    return redirect("profiles:no-profile")


@login_required
@require_POST
def home_switch(request: HttpRequest) -> HttpResponse:
    """Someone with several roles chooses which home the brand link and sign-in open."""
    homes = {key: url_name for key, _label, url_name in available_homes(request.user)}
    role = request.POST.get("role", "")
    if role not in homes:
        return redirect("home")
    request.session[HOME_SESSION_KEY] = role
    return redirect(homes[role])


@login_required
def email_managed_by_roster(request: HttpRequest) -> HttpResponse:
    """Where allauth would manage addresses: ours come from the HR roster, so say so."""
    return render(request, "account/email_managed.html", status=200)


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness of the database and the broker. 503 if either is down; pages keep working."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    checks["broker"] = _broker_status()
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": checks}, status=200 if healthy else 503)


def _broker_status() -> str:
    from django.conf import settings

    if not settings.CELERY_BROKER_URL or settings.CELERY_BROKER_URL.startswith("memory://"):
        return "not configured"
    try:
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"
