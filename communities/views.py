"""Community pages: the list (with a skill filter), a community's page, join and leave, and the
lead's tools (edit, leads, events, resources). Every page checks who is asking: a community the
person may not see is a 404, exactly like one that does not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import coordinator_required
from communities import selectors, services
from communities.forms import CommunityEventForm, CommunityForm, LeadByEmailForm, ResourceAddForm, RoleForm
from communities.models import Community, Membership
from profiles.models import Person, Skill
from profiles.views import person_required
from programs.forms.coordinator import add_service_errors
from programs.selectors.access import coordinated_programs, person_of
from resources.views import resource_response


def _community_for(request: HttpRequest, slug: str) -> tuple[Community, Person | None, Membership | None]:
    community = get_object_or_404(
        selectors.visible_communities(request.user).select_related("program", "department"), slug=slug
    )
    person = person_of(request.user)
    return community, person, selectors.membership_of(community, person)


def _managed(request: HttpRequest, slug: str) -> tuple[Community, Person | None, Membership | None]:
    community, person, membership = _community_for(request, slug)
    if not selectors.can_manage(request.user, community, membership):
        raise PermissionDenied("Only the community's leads and its program's coordinators can change it.")
    return community, person, membership


@login_required
@require_GET
def community_list(request: HttpRequest) -> HttpResponse:
    skill_param = request.GET.get("skill", "")
    skill = (
        Skill.objects.filter(pk=int(skill_param)).first() if skill_param.isdigit() and len(skill_param) < 10 else None
    )
    communities = selectors.community_list(request.user, skill_id=skill.pk if skill else None)
    mine = [c for c in communities if c.my_memberships]
    return render(
        request,
        "communities/list.html",
        {
            "communities": communities,
            "mine": mine,
            "skill": skill,
            "bad_skill": bool(skill_param) and skill is None,
            "can_create": coordinated_programs(request.user).exists(),
        },
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def community_create(request: HttpRequest) -> HttpResponse:
    programs = coordinated_programs(request.user)
    form = CommunityForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            community = services.community_create(
                by=request.user,
                program=data["program"],
                name=data["name"],
                summary=data["summary"],
                department=data["department"],
                skills=data["skills"],
                lead=data["lead_email"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{community.name} is open. Members can join from its page.")
            return redirect(community)
    return render(request, "communities/form.html", {"form": form, "community": None})


@login_required
@require_GET
def community_detail(request: HttpRequest, slug: str) -> HttpResponse:
    community, person, membership = _community_for(request, slug)
    active = membership is not None and membership.is_active
    manage = selectors.can_manage(request.user, community, membership)
    context: dict[str, Any] = {
        "community": community,
        "membership": membership if active else None,
        "can_join": not active and selectors.can_join(community, person),
        "manage": manage,
        "members": selectors.members_with_expertise(community),
        "skills": list(community.skills.all()),
        "events": selectors.community_events(community, person),
        "past_events": selectors.community_events(community, person, past=True),
        "resources": selectors.community_resources(community),
        "may_open": active or manage,
        "has_person": person is not None,
    }
    if manage:
        context["lead_form"] = LeadByEmailForm()
        context["resource_form"] = ResourceAddForm(choices=selectors.resource_choices(community))
    return render(request, "communities/detail.html", context)


@person_required
@require_POST
def community_join(request: HttpRequest, person: Person, slug: str) -> HttpResponse:
    community, _, _ = _community_for(request, slug)
    try:
        services.community_join(community=community, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You joined {community.name}. Its events now appear in your events and calendar.")
    return redirect(community)


@person_required
@require_POST
def community_leave(request: HttpRequest, person: Person, slug: str) -> HttpResponse:
    community, _, _ = _community_for(request, slug)
    try:
        services.community_leave(community=community, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You left {community.name}.")
        if not selectors.visible_communities(request.user).filter(pk=community.pk).exists():
            return redirect("communities:list")
    return redirect(community)


@login_required
@require_http_methods(["GET", "POST"])
def community_edit(request: HttpRequest, slug: str) -> HttpResponse:
    community, _, _ = _managed(request, slug)
    initial = {
        "name": community.name,
        "summary": community.summary,
        "department": community.department,
        "skills": list(community.skills.all()),
    }
    form = CommunityForm(request.POST or None, initial=initial, mentors=community.is_mentors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.community_update(
                community=community,
                by=request.user,
                name=data["name"],
                summary=data["summary"],
                department=data.get("department"),
                skills=data["skills"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(community)
    return render(request, "communities/form.html", {"form": form, "community": community})


@login_required
@require_POST
def community_role(request: HttpRequest, slug: str) -> HttpResponse:
    community, _, _ = _managed(request, slug)
    if "email" in request.POST:
        lead_form = LeadByEmailForm(request.POST)
        if not lead_form.is_valid():
            messages.error(request, " ".join(lead_form.errors["email"]))
            return redirect(community)
        target, role = lead_form.cleaned_data["email"], Membership.Role.LEAD
    else:
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a member and lead or member.")
            return redirect(community)
        member = community.memberships.filter(person_id=form.cleaned_data["person"], left_at__isnull=True).first()
        if member is None:
            messages.error(request, "That person is not a member of this community.")
            return redirect(community)
        target, role = member.person, form.cleaned_data["role"]
    if (
        role == Membership.Role.LEAD
        and not selectors.can_join(community, target)
        and not community.memberships.filter(person=target, left_at__isnull=True).exists()
    ):
        messages.error(request, f"{target.full_name} cannot join {community.name}.")
        return redirect(community)
    try:
        services.community_set_role(community=community, person=target, role=role, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{target.full_name} is now a {Membership.Role(role).label.lower()}.")
    return redirect(community)


@login_required
@require_http_methods(["GET", "POST"])
def community_event_create(request: HttpRequest, slug: str) -> HttpResponse:
    community, _, _ = _managed(request, slug)
    form = CommunityEventForm(request.POST or None, program=community.program)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "cycle"}
        try:
            event = services.community_event_create(community=community, by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{event.title} is scheduled; the community's members are invited.")
            return redirect(community)
    return render(request, "communities/event_form.html", {"form": form, "community": community})


@login_required
@require_POST
def community_resource_add(request: HttpRequest, slug: str) -> HttpResponse:
    community, _, _ = _managed(request, slug)
    form = ResourceAddForm(request.POST, choices=selectors.resource_choices(community))
    if form.is_valid():
        try:
            services.community_resource_add(community=community, resource=form.cleaned_data["resource"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{form.cleaned_data['resource'].title} is listed.")
    else:
        messages.error(request, "Choose a resource of the host program's library that is not listed yet.")
    return redirect(community)


@login_required
@require_POST
def community_resource_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, _, _ = _managed(request, slug)
    try:
        services.community_resource_remove(community=community, resource_id=pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Removed from the community's list (it stays in the library).")
    return redirect(community)


@login_required
@require_GET
def community_resource_open(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, _, membership = _community_for(request, slug)
    may_open = (membership is not None and membership.is_active) or selectors.can_manage(
        request.user, community, membership
    )
    resource = selectors.listed_resource(community, pk)
    if resource is None:
        raise Http404("No such resource in this community.")
    if not may_open:
        raise PermissionDenied("Join the community to open its resources.")
    return resource_response(resource)
