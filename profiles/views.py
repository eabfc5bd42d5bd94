"""People pages: my profile, skills and development plan; person cards and the expertise
directory; and, for coordinators, the roster and the skills catalogue."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services as invitations
from accounts.forms import InviteByEmailForm
from accounts.roles import coordinator_required, is_coordinator
from common.listing import listing
from profiles import selectors, services
from profiles.forms import (
    DirectoryForm,
    GoalForm,
    GoalNoteForm,
    PeopleSearchForm,
    PersonSkillFormSet,
    ProfileForm,
    SkillCategoryForm,
    SkillForm,
)
from profiles.models import DevelopmentGoal, Person, PersonSkill, Skill, SkillCategory

DIRECTORY_PAGE_SIZE = 20
PEOPLE_PAGE_SIZE = 50


@login_required
def no_profile(request: HttpRequest) -> HttpResponse:
    """A login without an employee record (e.g. a fresh SSO account) sees what to do next."""
    return render(request, "profiles/no_profile.html")


def person_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages about 'my' record: a login without one is sent to the page that explains why."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = selectors.person_of(request.user)
        if person is None:
            return redirect("profiles:no-profile")
        return view(request, person, *args, **kwargs)

    return wrapped


def _can_browse_people(user: Any) -> bool:
    return selectors.person_of(user) is not None or is_coordinator(user)


# --- My profile ----------------------------------------------------------------------------------


@person_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, person: Person) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile is saved.")
            return redirect("profiles:profile-edit")
        messages.error(request, "Your profile was not saved. Check the fields marked below.")
    return render(request, "profiles/profile_edit.html", {"form": form, "person": person})


@person_required
@require_http_methods(["GET", "POST"])
def skills(request: HttpRequest, person: Person) -> HttpResponse:
    queryset = PersonSkill.objects.filter(person=person).select_related("skill").order_by("skill__name")
    formset = PersonSkillFormSet(request.POST or None, instance=person, queryset=queryset, prefix="skills")
    if request.method == "POST":
        if formset.is_valid():
            entries = [services.SkillEntry(skill=s, level=lvl, will_teach=t, prefers_teaching=pref)
                       for s, lvl, t, pref in formset.entries()]
            try:
                services.person_skills_set(person=person, entries=entries)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            except IntegrityError:
                # Saved from two windows at once: the other save won; show what is stored now.
                messages.error(request, "Your skills were changed elsewhere at the same time. Check them and save again.")
                return redirect("profiles:skills")
            else:
                messages.success(request, "Your skills are saved.")
                return redirect("profiles:skills")
        else:
            messages.error(request, "Your skills were not saved. Check the rows marked below.")
    return render(request, "profiles/skills.html", {"formset": formset, "person": person})


# --- Development plan ----------------------------------------------------------------------------


@person_required
def idp(request: HttpRequest, person: Person) -> HttpResponse:
    goals = selectors.goals_of(person=person)
    return render(request, "profiles/idp.html", {"goals": goals, "person": person})


def _own_goal(person: Person, pk: int) -> DevelopmentGoal:
    return get_object_or_404(DevelopmentGoal.objects.select_related("skill"), pk=pk, person=person)


@person_required
@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, person: Person) -> HttpResponse:
    form = GoalForm(request.POST or None, instance=DevelopmentGoal(person=person))
    if request.method == "POST" and form.is_valid():
        goal = form.save()
        messages.success(request, f"Goal added: {goal.label}.")
        return redirect("profiles:idp")
    return render(request, "profiles/goal_form.html", {"form": form, "goal": None})


@person_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    goal = _own_goal(person, pk)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        goal = form.save()
        messages.success(request, f"Goal saved: {goal.label}.")
        return redirect("profiles:idp")
    return render(request, "profiles/goal_form.html", {"form": form, "goal": goal})


@person_required
@require_http_methods(["GET", "POST"])
def goal_delete(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    goal = _own_goal(person, pk)
    if request.method == "POST":
        label = goal.label
        goal.delete()
        messages.success(request, f"Goal deleted: {label}.")
        return redirect("profiles:idp")
    return render(request, "profiles/goal_confirm_delete.html", {"goal": goal})


@login_required
@require_http_methods(["GET", "POST"])
def goal_notes(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(DevelopmentGoal.objects.select_related("skill", "person"), pk=pk)
    if not selectors.can_use_goal_notes(user=request.user, goal=goal):
        # Not "forbidden": saying the goal exists would already tell too much.
        raise Http404("No such goal.")
    viewer = selectors.person_of(request.user)
    form = GoalNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_note_add(goal=goal, author=viewer, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, "Note added.")
            return redirect("profiles:goal-notes", pk=goal.pk)
    context = {
        "goal": goal,
        "notes": selectors.goal_notes(goal=goal),
        "form": form,
        "is_owner": viewer is not None and viewer.pk == goal.person_id,
    }
    return render(request, "profiles/goal_notes.html", context)


# --- Cards and the expertise directory -----------------------------------------------------------


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not _can_browse_people(request.user):
        raise PermissionDenied
    try:
        person = selectors.person_card(pk=pk)
    except Person.DoesNotExist as missing:
        raise Http404("No such person.") from missing
    viewer = selectors.person_of(request.user)
    context = {"person": person, "is_me": viewer is not None and viewer.pk == person.pk}
    return render(request, "profiles/person_detail.html", context)


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    if not _can_browse_people(request.user):
        raise PermissionDenied
    form = DirectoryForm(request.GET or None)
    filters = selectors.DirectoryFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.DirectoryFilters(
            skill=data["skill"],
            min_level=data["min_level"],
            department=data["department"],
            location=data["location"].strip(),
            willing_to_mentor=data["willing_to_mentor"],
            query=data["query"].strip(),
        )
    found = listing(request, selectors.directory_search(filters=filters), keep=list(form.fields), per_page=DIRECTORY_PAGE_SIZE)
    return render(
        request,
        "profiles/directory.html",
        {"form": form, "listing": found, "page": found.page, "searched": form.is_bound},
    )


# --- Coordinator: roster and skills catalogue ----------------------------------------------------


@coordinator_required
def people(request: HttpRequest) -> HttpResponse:
    form = PeopleSearchForm(request.GET or None)
    query, department, login = "", None, ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        department = form.cleaned_data["department"]
        login = form.cleaned_data["login"]
    roster = selectors.people_for_coordinator(query=query, department=department, login=login)
    found = listing(request, roster, keep=list(form.fields), per_page=PEOPLE_PAGE_SIZE)
    return render(
        request,
        "profiles/people.html",
        {
            "form": form,
            "listing": found,
            "page": found.page,
            "full_path": request.get_full_path(),
            "now": timezone.now(),
        },
    )


@coordinator_required
def skill_catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "profiles/skill_catalogue.html", {"categories": selectors.skill_catalogue()})


@coordinator_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    category = get_object_or_404(SkillCategory, pk=pk) if pk else None
    form = SkillCategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        category = form.save()
        messages.success(request, f"Category saved: {category.name}.")
        return redirect("profiles:skill-catalogue")
    return render(request, "profiles/catalogue_form.html", {"form": form, "object": category, "kind": "category"})


@coordinator_required
@require_http_methods(["GET", "POST"])
def skill_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk) if pk else None
    initial = {"category": request.GET.get("category")} if skill is None and request.GET.get("category", "").isdigit() else None
    form = SkillForm(request.POST or None, instance=skill, initial=initial)
    if request.method == "POST" and form.is_valid():
        skill = form.save()
        messages.success(request, f"Skill saved: {skill.name}.")
        return redirect("profiles:skill-catalogue")
    return render(request, "profiles/catalogue_form.html", {"form": form, "object": skill, "kind": "skill"})


@coordinator_required
@require_POST
def skill_delete(request: HttpRequest, pk: int) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk)
    try:
        services.skill_delete(skill=skill, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Skill deleted: {skill.name}.")
    return redirect("profiles:skill-catalogue")


# --- Invitations: roster people without a login ------------------------------------------------
# Here rather than in accounts because choosing whom to invite reads the roster (profiles), and
# accounts sits to the left of profiles in the dependency order.
@coordinator_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """Invite roster people: by ticking them on the people list (person=<id>...) or by e-mail."""
    form = InviteByEmailForm()
    if request.method == "POST":
        if "person" in request.POST:
            ids = [value for value in request.POST.getlist("person") if value.isdigit()]
            targets = list(selectors.roster_without_login(ids=ids))
            if not targets:
                messages.error(request, "Select at least one person who has no login yet.")
                return redirect("profiles:people")
            _send(request, targets)
            return redirect(request.POST.get("next") if _safe_next(request) else "profiles:people")
        form = InviteByEmailForm(request.POST)
        if form.is_valid():
            emails = form.cleaned_data["emails"]
            targets = list(selectors.roster_without_login(emails=emails))
            found = {person.email.lower() for person in targets}
            missing = [address for address in emails if address not in found]
            if missing:
                form.add_error(
                    "emails",
                    "Not on the staff roster, or already able to sign in: " + ", ".join(missing) + ".",
                )
            else:
                _send(request, targets)
                return redirect("profiles:people")
    return render(
        request, "account/invite.html", {"form": form, "invitation_days": settings.INVITATION_VALID_DAYS}
    )


def _safe_next(request: HttpRequest) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})


def _send(request: HttpRequest, targets: list) -> None:
    sent, refused = 0, []
    for person in targets:
        try:
            invitations.invitation_send(email=person.email, invited_by=request.user, name=person.first_name)
            sent += 1
        except ValidationError as error:
            refused.append(" ".join(error.messages))
    if sent:
        messages.success(request, f"Invitation sent to {sent} {'person' if sent == 1 else 'people'}.")
    for reason in refused:
        messages.warning(request, reason)
