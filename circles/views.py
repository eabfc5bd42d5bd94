"""Circle pages: the members' page, sessions and attendance, notes, applying, and the coordinators' pages.

Access: every page needs a login. A circle is found only through `circles_visible_to` (its
current members and the coordinators of its program); anyone else gets 404, HR included.
Leading actions (agreement, sessions) are for the circle's mentors and its coordinators;
attendance for its mentors; notes for its members. Coordinator pages load the cycle through
`cycle_for` (another program's coordinator: 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import coordinator_required
from audit.services import audit_record
from circles import selectors, services
from circles.exports import CyclesCirclesExport
from circles.forms import ApplyForm, CircleAgreementForm, CircleForm, MemberAddForm, NoteForm, SessionForm
from circles.models import Circle, CircleApplication, CircleMember, CircleSession
from profiles.models import Person
from profiles.views import person_required
from programs.forms.coordinator import add_service_errors
from programs.selectors.access import coordinated_programs, person_of
from programs.selectors.health import at_risk_weeks
from programs.views.coordinator._access import cycle_for
from programs.views.participant import participant_view


def _circle_for(request: HttpRequest, pk: int) -> Circle:
    return get_object_or_404(selectors.circles_visible_to(request.user).select_related("cycle__program"), pk=pk)


def _coordinates(request: HttpRequest, circle: Circle) -> bool:
    return coordinated_programs(request.user).filter(pk=circle.cycle.program_id).exists()


def _role(request: HttpRequest, circle: Circle) -> str | None:
    person = person_of(request.user)
    if person is None:
        return None
    return circle.members.filter(person=person, left_on__isnull=True).values_list("role", flat=True).first()


def _may_lead(request: HttpRequest, circle: Circle) -> bool:
    return _role(request, circle) == CircleMember.Role.MENTOR or _coordinates(request, circle)


def _session_for(request: HttpRequest, pk: int) -> CircleSession:
    session = get_object_or_404(
        CircleSession.objects.select_related("circle__cycle__program").filter(
            circle__in=selectors.circles_visible_to(request.user)
        ),
        pk=pk,
    )
    return session


# --- members' pages ------------------------------------------------------------------------------


@person_required
def circles_mine(request: HttpRequest, person: Person) -> HttpResponse:
    pending = {
        a.circle_id: a for a in CircleApplication.objects.filter(person=person, status=CircleApplication.Status.PENDING)
    }
    context = {
        "mine": selectors.circles_of(person),
        "open": [(c, fit, pending.get(c.pk)) for c, fit in selectors.open_circles_for(person)],
    }
    return render(request, "circles/mine.html", context)


@participant_view
def circle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _circle_for(request, pk)
    page = selectors.circle_page(circle=circle, user=request.user)
    lead = page.role == CircleMember.Role.MENTOR or page.coordinates
    context = {
        "circle": circle,
        "page": page,
        "lead": lead,
        "now": timezone.now(),
        "agreement_form": CircleAgreementForm(instance=circle) if lead else None,
        "session_form": SessionForm() if lead else None,
        "note_form": NoteForm() if page.role else None,
        "member_form": MemberAddForm(circle=circle) if page.coordinates else None,
    }
    return render(request, "circles/detail.html", context)


@participant_view
@require_POST
def circle_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _circle_for(request, pk)
    if not _may_lead(request, circle):
        raise PermissionDenied("Only the circle's mentors and coordinators edit its agreement.")
    form = CircleAgreementForm(request.POST, instance=Circle.objects.get(pk=circle.pk))
    if form.is_valid():
        try:
            services.circle_agreement_update(
                circle=circle,
                by=request.user,
                goals=form.cleaned_data["agreement_goals"],
                cadence=form.cleaned_data["cadence"],
                meeting_format=form.cleaned_data["meeting_format"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The circle's agreement is saved.")
            return redirect(circle.get_absolute_url() + "#agreement")
    return render(
        request,
        "circles/form.html",
        {"circle": circle, "form": form, "title": "The circle's agreement", "submit": "Save the agreement"},
    )


@participant_view
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _circle_for(request, pk)
    if not _may_lead(request, circle):
        raise PermissionDenied("Only the circle's mentors and coordinators schedule its sessions.")
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.circle_session_create(circle=circle, by=person_of(request.user), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The session is scheduled. It appears in every member's calendar feed.")
            return redirect(circle.get_absolute_url() + "#sessions")
    return render(
        request,
        "circles/form.html",
        {"circle": circle, "form": form, "title": "Schedule a session", "submit": "Schedule"},
    )


@participant_view
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(request, pk)
    circle = session.circle
    if not _may_lead(request, circle):
        raise PermissionDenied("Only the circle's mentors and coordinators change its sessions.")
    form = SessionForm(request.POST or None, initial=SessionForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        try:
            services.circle_session_update(session=session, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The session is changed; calendars pick up the change.")
            return redirect(circle.get_absolute_url() + "#sessions")
    return render(
        request,
        "circles/form.html",
        {"circle": circle, "form": form, "title": f"Change “{session.title}”", "submit": "Save"},
    )


@participant_view
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(request, pk)
    if not _may_lead(request, session.circle):
        raise PermissionDenied("Only the circle's mentors and coordinators cancel its sessions.")
    try:
        services.circle_session_cancel(session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{session.title}” is cancelled.")
    return redirect(session.circle.get_absolute_url() + "#sessions")


@participant_view
@require_http_methods(["GET", "POST"])
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(request, pk)
    circle = session.circle
    if _role(request, circle) != CircleMember.Role.MENTOR:
        raise PermissionDenied("A mentor of the circle records attendance.")
    members = list(circle.members.filter(left_on__isnull=True).select_related("person"))
    recorded = dict(session.attendance.values_list("person_id", "present"))
    error = None
    if request.method == "POST":
        chosen = set(request.POST.getlist("present"))
        try:
            services.circle_attendance_record(
                session=session,
                by=person_of(request.user),
                present={m.person_id: str(m.person_id) in chosen for m in members},
            )
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(request, "Attendance is recorded.")
            return redirect(circle.get_absolute_url() + "#sessions")
    return render(
        request,
        "circles/attendance.html",
        {
            "circle": circle,
            "session": session,
            "members": members,
            "recorded": recorded,
            "error": error,
        },
    )


@participant_view
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _circle_for(request, pk)
    if _role(request, circle) is None:
        raise PermissionDenied("Only members share notes in a circle.")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.circle_note_add(circle=circle, author=person_of(request.user), body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your note is shared with the circle.")
            return redirect(circle.get_absolute_url() + "#notes")
    return render(
        request, "circles/form.html", {"circle": circle, "form": form, "title": "Share a note", "submit": "Share"}
    )


@person_required
@require_POST
def circle_apply(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    circle = next((c for c, _fit in selectors.open_circles_for(person) if c.pk == pk), None)
    if circle is None:
        raise Http404("No such circle open to you.")
    form = ApplyForm(request.POST)
    if form.is_valid():
        try:
            services.circle_apply(circle=circle, person=person, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, f"You could not apply to “{circle.topic}”: {' '.join(error.messages)}")
        else:
            messages.success(
                request, f"You applied to “{circle.topic}”. The coordinator or the next match run places you."
            )
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(reverse("circles:mine"))


@person_required
@require_POST
def application_withdraw(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    application = get_object_or_404(CircleApplication.objects.select_related("circle"), pk=pk, person=person)
    try:
        services.circle_application_withdraw(application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Your application to “{application.circle.topic}” is withdrawn.")
    return redirect(reverse("circles:mine"))


# --- coordinators' pages ---------------------------------------------------------------------------


@coordinator_required
def cycle_circles(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    figures = selectors.cycle_circles(cycle=cycle)
    return render(
        request,
        "circles/cycle_circles.html",
        {
            "cycle": cycle,
            "figures": figures,
            "summary": selectors.summary(figures),
            "weeks": at_risk_weeks(),
        },
    )


def _coordinated_circle(request: HttpRequest, pk: int) -> Circle:
    return get_object_or_404(
        Circle.objects.select_related("cycle__program").filter(cycle__program__in=coordinated_programs(request.user)),
        pk=pk,
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def circle_new(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    form = CircleForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            circle = services.circle_create(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The circle “{circle.topic}” is created.")
            return redirect(circle.get_absolute_url())
    return render(request, "circles/circle_form.html", {"cycle": cycle, "form": form, "circle": None})


@coordinator_required
@require_http_methods(["GET", "POST"])
def circle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _coordinated_circle(request, pk)
    form = CircleForm(request.POST or None, cycle=circle.cycle, initial=CircleForm.initial_for(circle))
    if request.method == "POST" and form.is_valid():
        try:
            services.circle_update(circle=circle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The circle “{form.cleaned_data['topic']}” is saved.")
            return redirect(circle.get_absolute_url())
    return render(request, "circles/circle_form.html", {"cycle": circle.cycle, "form": form, "circle": circle})


@coordinator_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _coordinated_circle(request, pk)
    form = MemberAddForm(request.POST, circle=circle)
    if form.is_valid():
        try:
            services.circle_member_add(circle=circle, person=form.cleaned_data["person"], by=request.user)
        except ValidationError as error:
            messages.error(request, f"{form.cleaned_data['person']} was not placed: {' '.join(error.messages)}")
        else:
            messages.success(request, f"{form.cleaned_data['person']} is in the circle.")
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(circle.get_absolute_url() + "#members")


@coordinator_required
@require_POST
def application_place(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        CircleApplication.objects.select_related("circle__cycle", "person").filter(
            circle__cycle__program__in=coordinated_programs(request.user)
        ),
        pk=pk,
    )
    try:
        services.circle_member_add(
            circle=application.circle,
            person=application.person,
            by=request.user,
            source=CircleMember.Source.APPLICATION,
        )
    except ValidationError as error:
        messages.error(request, f"{application.person} was not placed: {' '.join(error.messages)}")
    else:
        messages.success(request, f"{application.person} is in the circle.")
    return redirect(application.circle.get_absolute_url() + "#members")


@coordinator_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(
        CircleMember.objects.select_related("circle__cycle", "person").filter(
            circle__cycle__program__in=coordinated_programs(request.user)
        ),
        pk=pk,
    )
    try:
        services.circle_member_remove(member=member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{member.person} has left the circle.")
    return redirect(member.circle.get_absolute_url() + "#members")


@coordinator_required
@require_POST
def circle_end(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _coordinated_circle(request, pk)
    try:
        services.circle_end(circle=circle, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The circle “{circle.topic}” has ended; its sessions ahead are cancelled.")
    return redirect(circle.get_absolute_url())


@coordinator_required
def cycle_circles_export(request: HttpRequest, cycle_pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("The circles export as .csv or .xlsx.")
    cycle = cycle_for(request, cycle_pk)
    export = CyclesCirclesExport(cycle, selectors.cycle_circles(cycle=cycle))

    def audit() -> None:
        audit_record(
            actor=request.user,
            action="circles.export",
            target=cycle,
            summary=f"Exported the circles of {cycle} as {fmt.upper()}.",
        )

    return export.response(fmt, audit=audit)
