"""Reports pages: the coordinator dashboard, HR reports with exports, and the roster import."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import coordinator_required, hr_required, is_hr_analyst, reports_required
from common.listing import listing
from common.progress import progress_get
from programs.models import Cycle
from programs.selectors.access import coordinated_programs
from reports.exports import REPORTS
from reports.forms import DashboardForm, KnowledgeFilterForm, ReportFilterForm, RosterApplyForm, RosterUploadForm
from reports.models import ExportFile, RosterImport
from reports.roster_file import RosterFileError, check_upload
from reports.selectors.dashboard import cycle_dashboard, default_cycle
from reports.selectors.knowledge import knowledge_at_risk
from reports.selectors.outcomes import program_outcomes
from reports.selectors.retention import MONTHS, headline_months, retention_chart, retention_headlines, retention_rows
from reports.services import exports as export_services
from reports.services.roster import roster_import_discard
from reports.services.roster_jobs import roster_apply_request, roster_upload_create


@reports_required
def index(request: HttpRequest) -> HttpResponse:
    """HR's home: each report with its headline figures, computed over everything in scope."""
    is_hr = is_hr_analyst(request.user)
    context: dict[str, Any] = {"is_hr": is_hr}
    form = _report_form(request)
    if form.is_valid():
        rows = retention_rows(filters=form.filters(), programs=form.programs, today=timezone.localdate())
        context["retention"] = retention_headlines(rows, months=headline_months(rows)) if rows else []
    if is_hr:
        knowledge_form = KnowledgeFilterForm(QueryDict(), user=request.user)
        if knowledge_form.is_valid():
            context["knowledge"] = knowledge_at_risk(**{
                k: v for k, v in knowledge_form.options().items() if k in ("horizon", "min_level")
            })
    return render(request, "reports/index.html", context)


# --- Coordinator dashboard ---------------------------------------------------------------------
@coordinator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    programs = coordinated_programs(request.user).order_by("name")
    program_list = list(programs)
    # A cycle named alone (the cycle tabs link to ?cycle=N) brings its own program; a cycle of
    # another program than the one named is ignored, as is one the user does not coordinate.
    chosen = _pick(list(Cycle.objects.filter(program__in=programs)), request.GET.get("cycle"))
    program = _pick(program_list, request.GET.get("program"))
    if chosen is not None and program is None:
        program = next(p for p in program_list if p.pk == chosen.program_id)
    program = program or (program_list[0] if program_list else None)
    cycles = list(Cycle.objects.filter(program=program).order_by("-starts_on")) if program else []
    cycle = chosen if chosen is not None and chosen.program_id == getattr(program, "pk", None) else default_cycle(cycles)
    form = DashboardForm(
        initial={"program": program, "cycle": cycle},
        programs=programs,
        cycles=Cycle.objects.filter(program=program).order_by("-starts_on") if program else Cycle.objects.none(),
    )
    data = cycle_dashboard(cycle=cycle) if cycle else None
    return render(
        request,
        "reports/dashboard.html",
        {"form": form, "program": program, "cycle": cycle, "data": data, "charts": data.chart_data() if data else None},
    )


def _pick(objects: list[Any], raw: str | None) -> Any:
    # An id the user may not see is treated like no choice at all: never confirms it exists.
    if not raw or not raw.isdigit():
        return None
    return next((o for o in objects if o.pk == int(raw)), None)


# --- HR reports -----------------------------------------------------------------------------------
def _report_form(request: HttpRequest, form_class: type[ReportFilterForm] = ReportFilterForm) -> ReportFilterForm:
    # Always bound: no filters at all is a valid choice (everything in the user's scope).
    return form_class(request.GET, user=request.user)


def _export_links(request: HttpRequest, report: str) -> list[tuple[str, str]]:
    query = request.GET.urlencode()
    links = []
    for fmt in ("csv", "xlsx"):
        url = reverse("reports:export", args=[report, fmt])
        links.append((fmt.upper(), f"{url}?{query}" if query else url))
    return links


@reports_required
def retention(request: HttpRequest) -> HttpResponse:
    form = _report_form(request)
    rows = None
    if form.is_valid():
        rows = retention_rows(filters=form.filters(), programs=form.programs, today=timezone.localdate())
    return render(
        request,
        "reports/retention.html",
        {
            "form": form,
            "rows": rows,
            "headlines": retention_headlines(rows, months=headline_months(rows)) if rows else [],
            "chart": retention_chart(rows) if rows else None,
            "months": MONTHS,
            "exports": _export_links(request, "retention"),
            "people_exports": _export_links(request, "retention-people") if is_hr_analyst(request.user) else None,
        },
    )


@hr_required
def knowledge(request: HttpRequest) -> HttpResponse:
    form = _report_form(request, KnowledgeFilterForm)
    report = None
    if form.is_valid():
        options = form.options()
        filters = form.filters()
        report = knowledge_at_risk(
            horizon=options["horizon"],
            min_level=options["min_level"],
            department_id=filters.department_id,
            program_id=filters.program_id,
            status=options["status"],
        )
    keep = [name for name in form.fields if name != "page"]
    context = {
        "form": form,
        "report": report,
        "exports": _export_links(request, "knowledge"),
        "skills": listing(request, report.skills if report else [], keep=[*keep, "people_page"]),
        "people": listing(request, report.people if report else [], keep=[*keep, "page"], page_param="people_page"),
        "chart": {
            "labels": [d.department for d in report.by_department],
            "uncovered": [d.uncovered for d in report.by_department],
            "learners_only": [d.learners_only for d in report.by_department],
        }
        if report
        else {},
    }
    return render(request, "reports/knowledge.html", context)


@reports_required
def outcomes(request: HttpRequest) -> HttpResponse:
    form = _report_form(request)
    result = program_outcomes(filters=form.filters(), programs=form.programs) if form.is_valid() else None
    return render(
        request,
        "reports/outcomes.html",
        {
            "form": form,
            "outcomes": result,
            "participation": [("Participation by department", result.by_department), ("Participation by grade", result.by_grade)]
            if result
            else [],
            "exports": _export_links(request, "outcomes"),
        },
    )


@reports_required
def export(request: HttpRequest, report: str, fmt: str) -> HttpResponse:
    spec = REPORTS.get(report)
    if spec is None or fmt not in ("csv", "xlsx"):
        raise Http404
    if spec.hr_only and not is_hr_analyst(request.user):
        raise PermissionDenied
    form_class = KnowledgeFilterForm if report == "knowledge" else ReportFilterForm
    form = _report_form(request, form_class)
    if not form.is_valid():
        messages.error(request, "Correct the filters below before exporting.")
        return redirect(f"{reverse(spec.url_name)}?{request.GET.urlencode()}")
    filters = form.filters()
    options = form.options() if isinstance(form, KnowledgeFilterForm) else {}
    today = timezone.localdate()
    built = export_services.export_build(report=report, user=request.user, filters=filters, options=options, today=today)
    if fmt == "xlsx" and built.estimated_rows() > export_services.async_threshold():
        export_file = export_services.export_file_request(
            user=request.user, report=report, file_format=fmt, filters=filters, options=options,
            query=request.GET.urlencode(),
        )  # fmt: skip
        return redirect(export_file.get_status_url())
    return built.response(
        fmt,
        audit=lambda: export_services.export_record(
            user=request.user, report=report, file_format=fmt, filters=filters, options=options, delivery="download"
        ),
    )


def _own_export_file(request: HttpRequest, token: str, **extra: Any) -> ExportFile:
    """The requester's own export, while they still have a reports role; 404 for anyone else
    (never saying whether the token exists)."""
    export_file = get_object_or_404(
        ExportFile,
        token=token,
        requested_by=request.user,
        created_at__gte=timezone.now() - timedelta(days=export_services.keep_days()),
        **extra,
    )
    spec = REPORTS.get(export_file.report)
    if spec is None or not (is_hr_analyst(request.user) or (not spec.hr_only and request.user.is_coordinator)):
        raise Http404
    return export_file


@login_required
def export_download(request: HttpRequest, token: str) -> HttpResponse:
    export_file = _own_export_file(request, token, status=ExportFile.Status.READY)
    path = Path(settings.MEDIA_ROOT) / export_file.path
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=export_file.filename)


@login_required
def export_status(request: HttpRequest, token: str) -> HttpResponse:
    """A large export being built: its progress, then its download link or why it failed."""
    export_file = _own_export_file(request, token)
    spec = REPORTS[export_file.report]
    return render(
        request,
        "reports/export_status.html",
        {
            "export_file": export_file,
            "spec": spec,
            "progress": progress_get(export_file.progress_key) if export_file.status == ExportFile.Status.PENDING else None,
            "back_url": f"{reverse(spec.url_name)}?{export_file.filters.get('query', '')}",
            "keep_days": export_services.keep_days(),
        },
    )


@login_required
def export_status_json(request: HttpRequest, token: str) -> JsonResponse:
    export_file = _own_export_file(request, token)
    progress = progress_get(export_file.progress_key)
    return JsonResponse(
        {
            "status": export_file.status,
            "finished": export_file.status != ExportFile.Status.PENDING,
            "progress": progress.as_json() if progress else None,
            "unit": "rows",
        }
    )


# --- Roster import -------------------------------------------------------------------------------
# Every HR analyst works on the same roster, so any of them may follow or apply any import.
@hr_required
def roster_upload(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            check_upload(data, upload.name)
        except RosterFileError as exc:
            form.add_error("file", str(exc))
        else:
            # A worker reads the rows; the preview page shows how far it has got.
            roster_import = roster_upload_create(data=data, filename=upload.name, by=request.user)
            return redirect(roster_import)
    recent = RosterImport.objects.defer("rows", "preview", "upload").select_related("uploaded_by")[:10]
    return render(request, "reports/roster_upload.html", {"form": form, "recent": recent})


def _roster_import(pk: int) -> RosterImport:
    return get_object_or_404(RosterImport.objects.defer("rows", "upload").select_related("uploaded_by"), pk=pk)


@hr_required
def roster_preview(request: HttpRequest, pk: int) -> HttpResponse:
    roster_import = _roster_import(pk)
    return render(
        request,
        "reports/roster_preview.html",
        {
            "import": roster_import,
            "preview": roster_import.preview,
            "apply_form": RosterApplyForm(),
            "progress": progress_get(roster_import.progress_key) if roster_import.is_working else None,
        },
    )


@hr_required
def roster_status(request: HttpRequest, pk: int) -> JsonResponse:
    roster_import = _roster_import(pk)
    progress = progress_get(roster_import.progress_key) if roster_import.is_working else None
    return JsonResponse(
        {
            "status": roster_import.status,
            "finished": not roster_import.is_working,
            "progress": progress.as_json() if progress else None,
            "unit": "rows",
        }
    )


@hr_required
@require_POST
def roster_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    roster_import = _roster_import(pk)
    form = RosterApplyForm(request.POST)
    form.is_valid()
    valid_rows_only = form.cleaned_data.get("valid_rows_only", False)
    try:
        roster_apply_request(roster_import=roster_import, by=request.user, valid_rows_only=valid_rows_only)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(roster_import)


@hr_required
@require_POST
def roster_discard(request: HttpRequest, pk: int) -> HttpResponse:
    roster_import = _roster_import(pk)
    try:
        roster_import_discard(roster_import=roster_import, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(roster_import)
    messages.success(request, "The import was discarded; nothing was changed.")
    return redirect("reports:roster-upload")
