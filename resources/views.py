"""The library for participants (and coordinators), and the coordinator's pages to publish."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import coordinator_required
from common.listing import Sort, listing
from programs.selectors.access import coordinated_programs
from resources import selectors, services
from resources.forms import ResourceForm
from resources.models import Milestone, Resource

LIBRARY_SORTS = {"title": Sort("Title", ("title", "pk")), "new": Sort("Newest", ("-created_at", "-pk"))}


@login_required
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    milestone = request.GET.get("milestone", "")
    milestone = milestone if milestone in Milestone.values else ""
    skill = request.GET.get("skill", "")
    skill = skill if skill.isdigit() else ""
    resources = selectors.library(request.user, milestone=milestone, skill_id=int(skill) if skill else None)
    page = listing(
        request, resources.prefetch_related("skills"), sorts=LIBRARY_SORTS,
        search_fields=("title", "summary"), keep=("milestone", "skill"),
    )
    skills = selectors.library_skills(request.user)
    return render(
        request,
        "resources/library.html",
        {"listing": page, "milestones": Milestone.choices, "milestone": milestone, "skills": skills, "skill": skill},
    )


@login_required
@require_GET
def resource_open(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's program's resource is a 404, exactly like one that does not exist.
    resource = get_object_or_404(selectors.visible_resources(request.user), pk=pk)
    return resource_response(resource)


def resource_response(resource: Resource) -> HttpResponse:
    """The link or the stored file, served so it can never run as one of our pages. The caller
    has checked that the person may open it (communities serve their listed resources too)."""
    if resource.url:
        return HttpResponseRedirect(resource.url)
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("This file is no longer stored; tell the program's coordinators.") from missing
    inline = resource.content_type.startswith(("application/pdf", "image/", "video/"))
    response = FileResponse(handle, as_attachment=not inline, filename=resource.file_name or "resource",
                            content_type=resource.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"  # an uploaded file never runs as our page
    response["Cache-Control"] = "private, max-age=0"
    return response


@coordinator_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    resources = Resource.objects.filter(program__in=coordinated_programs(request.user)).select_related("program", "event")
    page = listing(request, resources, sorts=LIBRARY_SORTS, search_fields=("title", "summary"))
    return render(request, "resources/manage.html", {"listing": page})


def _resource_for(request: HttpRequest, pk: int) -> Resource:
    return get_object_or_404(Resource.objects.filter(program__in=coordinated_programs(request.user)), pk=pk)


@coordinator_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    resource = _resource_for(request, pk) if pk else Resource()
    form = ResourceForm(request.POST or None, request.FILES or None, instance=resource,
                        programs=coordinated_programs(request.user))
    if request.method == "POST" and form.is_valid():
        saved = services.resource_save(form=form, by=request.user)
        messages.success(request, f"“{saved.title}” is in the library.")
        return redirect("resources:manage")
    return render(request, "resources/form.html", {"form": form, "resource": resource if pk else None})


@coordinator_required
@require_POST
def resource_delete(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _resource_for(request, pk)
    services.resource_delete(resource=resource, by=request.user)
    messages.success(request, f"“{resource.title}” was removed from the library.")
    return redirect("resources:manage")
