"""The participant portal: home, applications, events and RSVPs, pair pages and meetings.

Access: every page needs a login (anonymous -> login page). Pages about "me" need a Person
(403 without one). Objects from the URL are looked up through programs.selectors.access or the
eligibility rules in programs.selectors.participant, so someone else's object is a 404.
Times are shown, and typed, in the person's own time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.references import person_ref
from audit.services import audit_record
from profiles.models import Person
from programs.forms.participant import (
    AgreementForm,
    HelpRequestForm,
    MeetingDeclineForm,
    MeetingLogForm,
    MeetingProposeForm,
    MeetingRecordForm,
    MeetingScheduleForm,
    MenteeApplicationForm,
    MentorApplicationForm,
    PrivateNotesReasonForm,
    ProgressNoteForm,
    RSVPForm,
)
from programs.models import RSVP, Agreement, Cycle, Enrollment, Event, Meeting, MeetingRequest, Mentorship
from programs.selectors import participant as selectors
from programs.selectors.access import can_coordinate, coordinated_programs, mentorships_visible_to, person_of
from programs.services import agreements, applications, meeting_requests, meetings, requests, rsvps


# --- Access helpers ----------------------------------------------------------------------------
def participant_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; the person's time zone is active while the view runs and renders."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = person_of(request.user)
        if person is None or not person.time_zone:
            return view(request, *args, **kwargs)
        with timezone.override(person.time_zone):
            return view(request, *args, **kwargs)

    return wrapped


def _my_person(request: HttpRequest) -> Person:
    """Pages about "me" need an employee record; coordinators and HR without one get 403."""
    person = person_of(request.user)
    if person is None:
        raise PermissionDenied("These pages are for program participants.")
    return person


def _cycle_open_to_me(person: Person, pk: int) -> Cycle:
    return get_object_or_404(
        Cycle.objects.filter(selectors.program_open_to(person)).select_related("program"), pk=pk
    )


def _event_for(request: HttpRequest, pk: int) -> tuple[Event, bool]:
    """The event if the user may attend it or coordinates its program, and whether they may RSVP."""
    person = person_of(request.user)
    visible = selectors.event_eligibility(person) | Q(program__in=coordinated_programs(request.user))
    event = get_object_or_404(
        selectors.with_seats_and_my_rsvp(Event.objects.filter(visible), person), pk=pk
    )
    eligible = person is not None and selectors.events_open_to(person).filter(pk=event.pk).exists()
    return event, eligible


def _mentorship_for(request: HttpRequest, pk: int) -> tuple[Mentorship, Person | None, str | None]:
    """The pair if the user is in it or coordinates its program (404 otherwise), with their role."""
    mentorship = get_object_or_404(
        mentorships_visible_to(request.user).select_related("cycle__program", "mentor", "mentee"), pk=pk
    )
    person = person_of(request.user)
    return mentorship, person, mentorship.role_of(person)


def _pair_member(request: HttpRequest, pk: int) -> tuple[Mentorship, Person, str]:
    """For changes to the pair: only its mentor and mentee (a coordinator gets 403)."""
    mentorship, person, role = _mentorship_for(request, pk)
    if role is None or person is None:
        raise PermissionDenied("Only the mentor and the mentee can do this.")
    return mentorship, person, role


def _pair_mentor(request: HttpRequest, pk: int) -> tuple[Mentorship, Person]:
    mentorship, person, role = _pair_member(request, pk)
    if role != "mentor":
        raise PermissionDenied("Only the mentor schedules and logs meetings.")
    return mentorship, person


def _meeting_of(mentorship: Mentorship, meeting_pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.filter(mentorship=mentorship), pk=meeting_pk)


# --- Home --------------------------------------------------------------------------------------
@participant_view
def participant_home(request: HttpRequest) -> HttpResponse:
    person = _my_person(request)
    data = selectors.participant_home(person)
    return render(
        request, "programs/participant/home.html", {"person": person, "data": data, "idp_url": reverse("profiles:idp")}
    )


# --- Applying ----------------------------------------------------------------------------------
@participant_view
def apply_list(request: HttpRequest) -> HttpResponse:
    person = _my_person(request)
    context = selectors.applications_page(person)
    return render(request, "programs/participant/apply_list.html", context)


@participant_view
def apply(request: HttpRequest, cycle_pk: int, role: str) -> HttpResponse:
    person = _my_person(request)
    if role not in Enrollment.Role.values:
        raise Http404
    cycle = _cycle_open_to_me(person, cycle_pk)
    skills = list(person.skills.select_related("skill").order_by("-will_teach", "skill__name"))
    has_teachable = any(s.will_teach for s in skills)
    if role == Enrollment.Role.MENTEE:
        form = MenteeApplicationForm(request.POST or None, person=person)
    else:
        form = MentorApplicationForm(
            request.POST or None, has_teachable_skills=has_teachable, initial={"capacity": person.mentor_capacity or 1}
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            applications.enrollment_apply(
                cycle=cycle,
                person=person,
                role=role,
                goals=data.get("goals", ()),
                capacity=data.get("capacity"),
                motivation=data.get("motivation", ""),
                without_teachable_skills=data.get("without_teachable_skills", False),
                preferred_departments=data.get("preferred_departments") or (),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Your application to {cycle} as a {role} was sent. The coordinators will review it.")
            return redirect("programs:apply-list")
    has_goals = role != Enrollment.Role.MENTEE or "goals" in form.fields
    return render(
        request,
        "programs/participant/apply.html",
        {
            "cycle": cycle,
            "role": role,
            "role_label": Enrollment.Role(role).label.lower(),
            "form": form,
            "skills": skills,
            "has_teachable": has_teachable,
            "has_goals": has_goals,
            "idp_url": reverse("profiles:idp"),
            # Said before anyone types anything; the service says it again on submit.
            "window_error": None if form.is_bound else applications.application_window_error(cycle),
        },
    )


@require_POST
@participant_view
def enrollment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    person = _my_person(request)
    enrollment = get_object_or_404(Enrollment.objects.filter(person=person).select_related("cycle__program"), pk=pk)
    try:
        applications.enrollment_withdraw(enrollment=enrollment, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You withdrew your application to {enrollment.cycle}.")
    return redirect("programs:apply-list")


# --- Events ------------------------------------------------------------------------------------
@participant_view
def event_list(request: HttpRequest) -> HttpResponse:
    person = _my_person(request)
    events = selectors.upcoming_events_for(person)
    return render(request, "programs/participant/event_list.html", {"events": events})


@participant_view
def event_detail(request: HttpRequest, pk: int, form: RSVPForm | None = None) -> HttpResponse:
    event, eligible = _event_for(request, pk)
    person = person_of(request.user)
    my_rsvp = RSVP.objects.filter(event=event, person=person).first() if person else None
    if form is None and eligible:
        initial = {"response": my_rsvp.status if my_rsvp and my_rsvp.status != RSVP.Status.WAITLIST else "going"}
        if my_rsvp:
            initial["guests"] = my_rsvp.guests
        form = RSVPForm(initial=initial, event=event)
    seats_left = None if event.capacity is None else max(event.capacity - event.seats_taken, 0)
    return render(
        request,
        "programs/participant/event_detail.html",
        {
            "event": event,
            "eligible": eligible,
            "form": form,
            "my_rsvp": my_rsvp,
            "waitlist_position": rsvps.waitlist_position(my_rsvp) if my_rsvp else None,
            "seats_left": seats_left,
            "closed_reason": rsvps.rsvp_closed_reason(event),
        },
    )


@require_POST
@participant_view
def event_rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    event, eligible = _event_for(request, pk)
    if not eligible:
        raise PermissionDenied("Only participants of this event's cycle can reply.")
    person = _my_person(request)
    form = RSVPForm(request.POST, event=event)
    if form.is_valid():
        try:
            result = rsvps.rsvp_respond(
                event=event,
                person=person,
                going=form.cleaned_data["response"] == "going",
                guests=form.cleaned_data.get("guests", 0),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            status = result.rsvp.status
            if status == RSVP.Status.WAITLIST:
                messages.warning(
                    request,
                    f"{event.title} is full. You are on the waitlist, number {result.waitlist_position}; "
                    "we will tell you if a seat frees up.",
                )
            elif status == RSVP.Status.GOING:
                messages.success(request, f"You are going to {event.title}.")
            else:
                messages.success(request, f"Thanks: you are not going to {event.title}.")
            return redirect(event.get_absolute_url())
    return event_detail(request, pk, form=form)


# --- The pair page -----------------------------------------------------------------------------
@participant_view
def mentorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship, person, role = _mentorship_for(request, pk)
    context = selectors.pair_page(mentorship, viewer=person, show_private=role is not None)
    context["is_coordinator"] = role is None and can_coordinate(request.user, mentorship.cycle.program_id)
    if role is not None:
        context["note_form"] = ProgressNoteForm()
        context["my_agreed_at"] = _my_agreed_at(context["agreement"], role)
        context["me"] = person
    return render(request, "programs/participant/mentorship_detail.html", context)


def _my_agreed_at(agreement: Agreement | None, role: str) -> Any:
    if agreement is None:
        return None
    return agreement.mentor_agreed_at if role == "mentor" else agreement.mentee_agreed_at


@participant_view
def mentorship_private_notes(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator deliberately opening the pair's private notes.

    A GET shows only a form asking why: a link followed by a crawler, a preview or another site
    must not open the notes nor write "the coordinator read them" into the audit log. The notes
    are shown in the answer to the POST (never a redirect to a GET that would show them again),
    and the audit entry records the person's stated reason.
    """
    mentorship, person, role = _mentorship_for(request, pk)
    if role is not None:
        return redirect(mentorship.get_absolute_url())
    if not can_coordinate(request.user, mentorship.cycle.program_id):
        raise Http404
    form = PrivateNotesReasonForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if form.is_bound else 200
        context = {"mentorship": mentorship, "form": form}
        return render(request, "programs/participant/private_notes_open.html", context, status=status)
    reason = form.cleaned_data["reason"]
    audit_record(
        actor=request.user,
        action="mentorship.view_private_notes",
        target=mentorship,
        summary=f"Opened the private notes of {person_ref(mentorship.mentor)} → {person_ref(mentorship.mentee)}",
        data={"reason": reason},
    )
    context = selectors.pair_page(mentorship, viewer=person, show_private=True)
    response = render(request, "programs/participant/private_notes.html", context)
    response["Cache-Control"] = "no-store"
    return response


@participant_view
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship, person, role = _pair_member(request, pk)
    instance = Agreement.objects.filter(mentorship=mentorship).first() or Agreement(mentorship=mentorship)
    form = AgreementForm(request.POST or None, instance=instance, mentorship=mentorship)
    if request.method == "POST" and form.is_valid():
        try:
            _, changed = agreements.agreement_update(
                mentorship=mentorship,
                by=person,
                goals=form.cleaned_data["goals"],
                cadence=form.cleaned_data["cadence"],
                meeting_format=form.cleaned_data["meeting_format"],
                expectations=form.cleaned_data["expectations"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if changed:
                messages.success(request, "Agreement saved. Both of you need to confirm it again.")
            else:
                messages.info(request, "Nothing changed in the agreement.")
            return redirect(mentorship.get_absolute_url() + "#agreement")
    return render(
        request, "programs/participant/agreement_form.html", {"mentorship": mentorship, "form": form, "role": role}
    )


@require_POST
@participant_view
def agreement_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship, person, _ = _pair_member(request, pk)
    try:
        agreements.agreement_confirm(mentorship=mentorship, by=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "You confirmed the agreement.")
    return redirect(mentorship.get_absolute_url() + "#agreement")


@participant_view
def meeting_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship, person = _pair_mentor(request, pk)
    initial = {}
    agreement = Agreement.objects.filter(mentorship=mentorship).first()
    if agreement:
        initial["meeting_format"] = agreement.meeting_format
    form = MeetingScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.meeting_schedule(mentorship=mentorship, by=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)  # errors keyed by field land next to that field
        else:
            messages.success(request, "Meeting scheduled.")
            return redirect(mentorship.get_absolute_url() + "#meetings")
    return render(request, "programs/participant/meeting_schedule.html", {"mentorship": mentorship, "form": form})


@participant_view
def meeting_log(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    mentorship, person = _pair_mentor(request, pk)
    meeting = _meeting_of(mentorship, meeting_pk)
    initial = {
        "duration_minutes": meeting.duration_minutes,
        "meeting_format": meeting.meeting_format,
        "private_notes": meeting.private_notes,
        "goals_touched": list(meeting.goals_touched.values_list("pk", flat=True)),
    }
    form = MeetingLogForm(request.POST or None, initial=initial, mentorship=mentorship, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.meeting_log(meeting=meeting, by=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Meeting logged.")
            return redirect(mentorship.get_absolute_url() + "#meetings")
    return render(
        request, "programs/participant/meeting_log.html", {"mentorship": mentorship, "meeting": meeting, "form": form}
    )


@participant_view
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship, person = _pair_mentor(request, pk)
    form = MeetingRecordForm(request.POST or None, mentorship=mentorship)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.meeting_record(mentorship=mentorship, by=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Meeting logged.")
            return redirect(mentorship.get_absolute_url() + "#meetings")
    return render(request, "programs/participant/meeting_record.html", {"mentorship": mentorship, "form": form})


@require_POST
@participant_view
def meeting_cancel(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    mentorship, person = _pair_mentor(request, pk)
    meeting = _meeting_of(mentorship, meeting_pk)
    try:
        meetings.meeting_cancel(meeting=meeting, by=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Meeting cancelled.")
    return redirect(mentorship.get_absolute_url() + "#meetings")


def _pair_mentee(request: HttpRequest, pk: int) -> tuple[Mentorship, Person]:
    mentorship, person, role = _pair_member(request, pk)
    if role != "mentee":
        raise PermissionDenied("Only the mentee proposes meeting times; as the mentor, schedule the meeting.")
    return mentorship, person


def _meeting_request_of(mentorship: Mentorship, request_pk: int) -> MeetingRequest:
    return get_object_or_404(MeetingRequest.objects.filter(mentorship=mentorship), pk=request_pk)


@participant_view
def meeting_propose(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship, person = _pair_mentee(request, pk)
    initial = {}
    agreement = Agreement.objects.filter(mentorship=mentorship).first()
    if agreement:
        initial["meeting_format"] = agreement.meeting_format
    form = MeetingProposeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_requests.meeting_request_create(mentorship=mentorship, by=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Time proposed. {mentorship.mentor} is told by e-mail and answers here.")
            return redirect(mentorship.get_absolute_url() + "#meeting-requests")
    status = 400 if form.is_bound else 200
    return render(
        request, "programs/participant/meeting_propose.html", {"mentorship": mentorship, "form": form}, status=status
    )


def _answer(request: HttpRequest, mentorship: Mentorship, act: Callable[[], object], done: str) -> HttpResponse:
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(mentorship.get_absolute_url() + "#meeting-requests")


@require_POST
@participant_view
def meeting_request_accept(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    mentorship, person = _pair_mentor(request, pk)
    proposal = _meeting_request_of(mentorship, request_pk)
    return _answer(
        request, mentorship,
        lambda: meeting_requests.meeting_request_accept(meeting_request=proposal, by=person),
        "Accepted: the meeting is scheduled and you are both told by e-mail.",
    )


@require_POST
@participant_view
def meeting_request_decline(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    mentorship, person = _pair_mentor(request, pk)
    proposal = _meeting_request_of(mentorship, request_pk)
    form = MeetingDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not declined: " + " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(mentorship.get_absolute_url() + "#meeting-requests")
    return _answer(
        request, mentorship,
        lambda: meeting_requests.meeting_request_decline(meeting_request=proposal, by=person, note=form.cleaned_data["note"]),
        f"Declined. {mentorship.mentee} is told, with your note.",
    )


@require_POST
@participant_view
def meeting_request_withdraw(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    mentorship, person = _pair_mentee(request, pk)
    proposal = _meeting_request_of(mentorship, request_pk)
    return _answer(
        request, mentorship,
        lambda: meeting_requests.meeting_request_withdraw(meeting_request=proposal, by=person),
        "Proposal withdrawn.",
    )


@participant_view
def goal_note_add(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    mentorship, person, _ = _pair_member(request, pk)
    goal = get_object_or_404(mentorship.mentee.goals.select_related("skill"), pk=goal_pk)
    form = ProgressNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            requests.goal_progress_note_add(mentorship=mentorship, by=person, goal_id=goal.pk, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Progress note added to “{goal.label}”.")
            return redirect(mentorship.get_absolute_url() + f"#goal-{goal.pk}")
    return render(
        request, "programs/participant/goal_note_form.html", {"mentorship": mentorship, "goal": goal, "form": form}
    )


@participant_view
def pair_help(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship, person, _ = _pair_member(request, pk)
    form = HelpRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            requests.help_request_create(mentorship=mentorship, by=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your request went to the program's coordinators. They will contact you.")
            return redirect(mentorship.get_absolute_url())
    return render(request, "programs/participant/help_form.html", {"mentorship": mentorship, "form": form})
