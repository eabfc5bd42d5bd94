"""Reads for the participant portal. Each page's queries are fixed in number, whatever the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.dates import when
from profiles.models import DevelopmentGoal, GoalProgressNote, GoalStatus, Person
from programs import audiences
from programs.models import (
    RSVP,
    Agreement,
    Cycle,
    Enrollment,
    Event,
    HelpReply,
    HelpRequest,
    Meeting,
    MeetingRequest,
    Mentorship,
    Program,
)

QUIET_AFTER = timedelta(weeks=4)  # "no meeting logged in four weeks" on the home page
HOME_EVENTS = 5
RECENT_NOTES = 3


# --- Who may apply where ---------------------------------------------------------------------
# Statuses that still count as "you have applied": a withdrawn or declined application does not
# stop the person from applying again in the same role.
LIVE_STATUSES = (Enrollment.Status.PENDING, Enrollment.Status.APPROVED, Enrollment.Status.WAITLISTED)


def program_open_to(person: Person) -> Q:
    """Programs a person may apply to: cross-agency ones, and department-wide ones of their own
    department (a department-wide program with no department set is open to everyone)."""
    return (
        Q(program__scope=Program.Scope.CROSS_AGENCY)
        | Q(program__department__isnull=True)
        | Q(program__department_id=person.department_id)
    )


# --- Who may attend which events -----------------------------------------------------------
def _enrolled_cycle_ids(person: Person) -> QuerySet:
    return Enrollment.objects.filter(person=person, status=Enrollment.Status.APPROVED).values("cycle_id")


def _paired_cycle_ids(person: Person) -> QuerySet:
    return Mentorship.objects.for_person(person).values("cycle_id")


def event_eligibility(person: Person | None) -> Q:
    """Events a person may attend and RSVP to (docs/participants.md, "Who may come to events"):

    - events of a cycle where they have an approved application or a pair;
    - program-wide events (no cycle) of a program where they take part in a cycle not yet over;
    - mentoring days of any program where they have ever taken part (current or past cycles);
    - events marked open to alumni, in a program where they were in a pair in a cycle that is over;
    - events other apps open to them (programs.audiences: a community's events for its members).
    """
    if person is None:
        return Q(pk__in=[])
    today = timezone.localdate()
    member_cycles = Cycle.objects.filter(Q(pk__in=_enrolled_cycle_ids(person)) | Q(pk__in=_paired_cycle_ids(person)))
    alumni_programs = (
        Mentorship.objects.for_person(person).filter(cycle__ends_on__lt=today).values("cycle__program_id")
    )
    return (
        Q(cycle_id__in=_enrolled_cycle_ids(person))
        | Q(cycle_id__in=_paired_cycle_ids(person))
        | Q(cycle__isnull=True, program_id__in=member_cycles.filter(ends_on__gte=today).values("program_id"))
        | Q(kind=Event.Kind.MENTORING_DAY, program_id__in=member_cycles.values("program_id"))
        | Q(open_to_alumni=True, program_id__in=alumni_programs)
        | audiences.extra_events(person)
    )


def events_open_to(person: Person | None) -> QuerySet[Event]:
    return Event.objects.filter(event_eligibility(person))


def with_seats_and_my_rsvp(events: QuerySet[Event], person: Person | None) -> QuerySet[Event]:
    """Annotate seats_taken (people going plus their guests) and the person's own reply."""
    going = RSVP.objects.filter(event=OuterRef("pk"), status=RSVP.Status.GOING).order_by()
    seats = going.values("event").annotate(s=Count("pk") + Sum("guests")).values("s")
    mine = RSVP.objects.filter(event=OuterRef("pk"), person=person)
    return events.select_related("program", "cycle").annotate(
        seats_taken=Coalesce(Subquery(seats, output_field=IntegerField()), Value(0)),
        my_status=Subquery(mine.values("status")[:1]),
        my_guests=Subquery(mine.values("guests")[:1]),
    )


def upcoming_events_for(person: Person, *, limit: int | None = None) -> list[Event]:
    now = timezone.now()
    qs = with_seats_and_my_rsvp(
        events_open_to(person).filter(ends_at__gte=now, cancelled_at__isnull=True), person
    ).order_by("starts_at", "pk")
    events = list(qs[:limit] if limit else qs)
    for event in events:
        event.seats_left = seats_left(event)
    return events


def seats_left(event: Event) -> int | None:
    """Free seats of an event annotated by with_seats_and_my_rsvp; None when there is no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - event.seats_taken, 0)


# --- Applications ----------------------------------------------------------------------------
def open_cycles_for(person: Person) -> QuerySet[Cycle]:
    return Cycle.objects.accepting_applications().filter(program_open_to(person)).select_related("program")


def applications_page(person: Person) -> dict[str, Any]:
    cycles = list(open_cycles_for(person).order_by("applications_close_on", "pk"))
    enrollments = list(
        Enrollment.objects.filter(person=person).select_related("cycle__program").order_by("-applied_at")
    )
    live = {(e.cycle_id, e.role) for e in enrollments if e.status in LIVE_STATUSES}
    for cycle in cycles:
        cycle.applied_as_mentee = (cycle.pk, Enrollment.Role.MENTEE) in live
        cycle.applied_as_mentor = (cycle.pk, Enrollment.Role.MENTOR) in live
    return {"cycles": cycles, "enrollments": enrollments}


# --- Home --------------------------------------------------------------------------------------
@dataclass
class Todo:
    text: str
    url: str = ""
    link_text: str = ""


@dataclass
class HomeData:
    enrollments: list[Enrollment]
    mentorships: list[Mentorship]
    events: list[Event]
    goals: list[DevelopmentGoal]
    open_cycles: list[Cycle]
    todos: list[Todo] = field(default_factory=list)

    @property
    def only_mentors(self) -> bool:
        """Takes part only as a mentor: a goal of their own is welcome but nothing to nag about."""
        roles = {str(e.role) for e in self.enrollments} | {str(m.my_role) for m in self.mentorships}
        return roles == {str(Enrollment.Role.MENTOR)}


def mentorships_with_meetings(qs: QuerySet[Mentorship], *, now: datetime) -> QuerySet[Mentorship]:
    held = Meeting.objects.filter(mentorship=OuterRef("pk"), status=Meeting.Status.HELD)
    upcoming = Meeting.objects.filter(
        mentorship=OuterRef("pk"), status=Meeting.Status.SCHEDULED, scheduled_at__gte=now
    )
    # Times the mentee proposed that still wait for the mentor's answer (and can still be accepted).
    proposed = (
        MeetingRequest.objects.filter(
            mentorship=OuterRef("pk"), status=MeetingRequest.Status.PENDING, starts_at__gte=now
        )
        .order_by()
        .values("mentorship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.select_related("cycle__program", "mentor", "mentee", "agreement").annotate(
        last_meeting_at=Subquery(held.order_by("-scheduled_at").values("scheduled_at")[:1]),
        next_meeting_at=Subquery(upcoming.order_by("scheduled_at").values("scheduled_at")[:1]),
        proposed_times=Coalesce(Subquery(proposed, output_field=IntegerField()), Value(0)),
    )


def participant_home(person: Person) -> HomeData:
    now = timezone.now()
    enrollments = list(
        Enrollment.objects.filter(person=person).select_related("cycle__program").order_by("-applied_at")
    )
    mentorships = list(
        mentorships_with_meetings(Mentorship.objects.for_person(person), now=now).order_by(
            "status", "-started_on", "pk"
        )
    )
    for m in mentorships:
        m.my_role = m.role_of(person)
        m.other = m.mentee if m.my_role == "mentor" else m.mentor
    events = upcoming_events_for(person, limit=HOME_EVENTS)
    goals = list(person.goals.select_related("skill").order_by("status", "priority", "created_at"))
    live_cycle_ids = {e.cycle_id for e in enrollments if e.status in LIVE_STATUSES}
    open_cycles = [c for c in open_cycles_for(person).order_by("applications_close_on") if c.pk not in live_cycle_ids]
    data = HomeData(enrollments, mentorships, events, goals, open_cycles)
    data.todos = _todos(data, now=now)
    return data


def _todos(data: HomeData, *, now: datetime) -> list[Todo]:
    from django.urls import reverse

    todos: list[Todo] = []
    for cycle in data.open_cycles:
        todos.append(
            Todo(
                f"Applications for {cycle} are open until {when(cycle.applications_close_on)}.",
                reverse("programs:apply-list"),
                "Apply",
            )
        )
    for event in data.events:
        if event.my_status is None:
            todos.append(Todo(f"Will you come to {event.title}?", event.get_absolute_url(), "Reply"))
    for m in data.mentorships:
        if m.status != Mentorship.Status.ACTIVE:
            continue
        if m.my_role == "mentor" and m.proposed_times:
            todos.append(
                Todo(
                    f"{m.other} proposed {m.proposed_times} meeting time{'s' if m.proposed_times > 1 else ''}.",
                    m.get_absolute_url() + "#meeting-requests",
                    "Accept or decline",
                )
            )
        last = m.last_meeting_at
        started = timezone.make_aware(datetime.combine(m.started_on, datetime.min.time()))
        if (last or started) < now - QUIET_AFTER:
            todos.append(Todo(f"No meeting with {m.other} logged in the last four weeks.", m.get_absolute_url(), "Open the pair page"))
        agreement = getattr(m, "agreement", None)
        if agreement is None:
            todos.append(Todo(f"You and {m.other} have no agreement yet.", m.get_absolute_url() + "#agreement", "Write it"))
        elif (agreement.mentor_agreed_at if m.my_role == "mentor" else agreement.mentee_agreed_at) is None:
            todos.append(Todo(f"Confirm your agreement with {m.other}.", m.get_absolute_url() + "#agreement", "Review"))
    if not data.only_mentors and not any(goal.status == GoalStatus.ACTIVE for goal in data.goals):
        todos.append(Todo("Your development plan has no active goals.", reverse("profiles:idp"), "Add a goal"))
    return todos


# --- The pair page -----------------------------------------------------------------------------
def pair_page(mentorship: Mentorship, *, viewer: Person | None, show_private: bool) -> dict[str, Any]:
    """Everything the pair page shows. Private meeting notes and progress notes are only loaded
    when `show_private` (the two people of the pair, or a coordinator's audited view)."""
    agreement = (
        Agreement.objects.filter(mentorship=mentorship).prefetch_related(
            Prefetch("goals", queryset=DevelopmentGoal.objects.select_related("skill"))
        ).first()
    )
    meetings_qs = mentorship.meetings.prefetch_related(
        Prefetch("goals_touched", queryset=DevelopmentGoal.objects.select_related("skill"))
    )
    if not show_private:
        meetings_qs = meetings_qs.defer("private_notes")
    meetings = list(meetings_qs.order_by("-scheduled_at"))
    goal_qs = DevelopmentGoal.objects.filter(person_id=mentorship.mentee_id).select_related("skill")
    if show_private:
        recent = GoalProgressNote.objects.select_related("author").order_by("-created_at")[:RECENT_NOTES]
        goal_qs = goal_qs.prefetch_related(Prefetch("notes", queryset=recent, to_attr="recent_notes"))
    goals = list(goal_qs.order_by("status", "priority", "created_at"))
    agreed_goal_ids = {g.pk for g in agreement.goals.all()} if agreement else set()
    for goal in goals:
        goal.in_agreement = goal.pk in agreed_goal_ids
    # A participant sees their own requests and the coordinator's replies (what they wrote is
    # for the coordinators: the other person of the pair does not see it); a coordinator sees all.
    role = mentorship.role_of(viewer)
    requests_qs = HelpRequest.objects.filter(mentorship=mentorship)
    if role is not None:
        requests_qs = requests_qs.filter(requested_by=viewer)
    help_requests = list(
        requests_qs.select_related("requested_by")
        .prefetch_related(Prefetch("replies", queryset=HelpReply.objects.order_by("created_at", "pk")))
        .order_by("-created_at")[:5]
    )
    now = timezone.now()
    return {
        "mentorship": mentorship,
        "role": mentorship.role_of(viewer),
        "agreement": agreement,
        "meetings": meetings,
        # Soonest first (the list is newest first, which put 21 Dec above 7 Dec).
        "upcoming_meetings": sorted(
            (m for m in meetings if m.status == Meeting.Status.SCHEDULED and m.scheduled_at >= now),
            key=lambda m: m.scheduled_at,
        ),
        "past_meetings": [m for m in meetings if not (m.status == Meeting.Status.SCHEDULED and m.scheduled_at >= now)],
        "goals": goals,
        "help_requests": help_requests,
        "show_private": show_private,
        "now": now,
        "contacts": pair_contacts(mentorship, role),
        **meeting_requests(mentorship),
    }


@dataclass(frozen=True)
class Contact:
    """What the pair page shows of one person: only what they chose to share with their pair."""

    person: Person
    role: str  # "mentor" or "mentee"
    email: str
    phone: str


def pair_contacts(mentorship: Mentorship, viewer_role: str | None) -> list[Contact]:
    """The other person of the pair for a participant; both people for a coordinator.

    Each field follows the person's own choice on their profile (e-mail shown, phone hidden
    unless they say otherwise). The people are already loaded with the pair: no query.
    """
    people = [("mentor", mentorship.mentor), ("mentee", mentorship.mentee)]
    if viewer_role is not None:
        people = [(r, p) for r, p in people if r != viewer_role]
    return [
        Contact(
            person=person,
            role=role,
            email=person.email if person.show_email_to_pair else "",
            phone=person.phone.strip() if person.show_phone_to_pair else "",
        )
        for role, person in people
    ]


ANSWERED_SHOWN = 5


def meeting_requests(mentorship: Mentorship) -> dict[str, list[MeetingRequest]]:
    """Times the mentee proposed: those waiting (soonest first) and the last few answered."""
    rows = MeetingRequest.objects.filter(mentorship=mentorship)
    pending = MeetingRequest.Status.PENDING
    last_answered = rows.exclude(status=pending).order_by("-responded_at", "-pk").values("pk")[:ANSWERED_SHOWN]
    shown = list(rows.filter(Q(status=pending) | Q(pk__in=last_answered)).select_related("proposed_by"))  # one query
    return {
        "pending_requests": sorted((r for r in shown if r.status == pending), key=lambda r: (r.starts_at, r.pk)),
        "answered_requests": sorted(
            (r for r in shown if r.status != pending), key=lambda r: (r.responded_at, r.pk), reverse=True
        ),
    }
