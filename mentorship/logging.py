"""Structured logs: one JSON object per line, and one line per request."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse

request_logger = logging.getLogger("mentorship.requests")


def server_time_zone() -> str:
    """The machine's own zone name, read from the system rather than the TZ variable, which
    Django sets to settings.TIME_ZONE (and runserver's reloader passes on to its child)."""
    localtime = Path("/etc/localtime")
    try:
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    try:
        return Path("/etc/timezone").read_text().strip() or "UTC"
    except OSError:
        return os.environ.get("TZ", "UTC") or "UTC"


class JsonFormatter(logging.Formatter):
    def __init__(self, *args: object, time_zone: str = "UTC", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        try:
            self.zone = ZoneInfo(time_zone)
        except (ValueError, ZoneInfoNotFoundError):
            self.zone = ZoneInfo("UTC")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        # ISO 8601 with the offset: a reader never has to guess which clock wrote the line.
        return datetime.fromtimestamp(record.created, self.zone).isoformat(timespec="seconds")

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("user_id", "method", "path", "status", "duration_ms"):
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload)


# URL parts that work as passwords (survey links, invitations, unsubscribe links, exports).
SECRET_URL_KWARGS = ("token", "key", "uidb36")


def _loggable_path(request: HttpRequest) -> str:
    """The path with secret URL parts replaced, so logs cannot be used to open a link or to
    tie an anonymous survey link to the time it was answered."""
    match = getattr(request, "resolver_match", None)
    path = request.path
    if match is not None:
        for name in SECRET_URL_KWARGS:
            value = match.kwargs.get(name)
            if value:
                path = path.replace(str(value), f"[{name}]")
    return path


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_logger.info(
            "request",
            extra={
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "method": request.method,
                "path": _loggable_path(request),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response
