"""The audit log page: read-only, filterable, paginated. Nobody edits or deletes entries."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from audit.references import render_entries

PAGE_SIZE = 50


def _may_read_log(user: Any) -> bool:
    # Checked on the User's flags directly: audit sits left of accounts and imports nothing from it.
    return bool(user.is_superuser or getattr(user, "is_coordinator", False) or getattr(user, "is_hr_analyst", False))


def _entries_for(user: Any):
    """Superusers read everything; coordinators their programs' entries and the program-less ones
    (roster, invitations, exports, removals); HR analysts only the program-less ones."""
    entries = AuditEntry.objects.all()
    if user.is_superuser:
        return entries
    program_ids: list[int] = []
    if getattr(user, "is_coordinator", False):
        # The reverse side of Program.coordinators; no import of programs needed.
        program_ids = list(user.coordinated_programs.values_list("pk", flat=True))
    return entries.filter(Q(program_id__isnull=True) | Q(program_id__in=program_ids))


@login_required
def log(request: HttpRequest) -> HttpResponse:
    if not _may_read_log(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    entries = _entries_for(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("actor"):
            entries = entries.filter(actor_label__icontains=data["actor"])
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            entries = entries.filter(created_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
        if data.get("date_to"):
            entries = entries.filter(created_at__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    render_entries(page.object_list)  # {person:N} references become names, or "a former participant"
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()})
