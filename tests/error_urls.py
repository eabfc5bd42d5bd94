"""The project's URLs plus views that fail on purpose, for tests/test_error_pages.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from mentorship.urls import handler400, handler403, handler404, handler429, handler500  # noqa: F401
from mentorship.urls import urlpatterns as project_patterns


def _boom(request):
    raise RuntimeError("a fault in the code")


def _denied(request):
    raise PermissionDenied("These pages are for program participants.")


def _suspicious(request):
    raise SuspiciousOperation("a tampered request")


urlpatterns = [
    path("test-errors/500/", _boom),
    path("test-errors/403/", _denied),
    path("test-errors/400/", _suspicious),
    *project_patterns,
]
