"""Who should hear about what. Every audience is one queryset, so its cost does not grow with
the number of people (one query however many participants)."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from notifications.models import Delivery
from profiles.models import Person
from programs import audiences
from programs.models import RSVP, Cycle, Enrollment, Event, Meeting, Mentorship
from programs.selectors import health


def not_claimed(
    people: QuerySet[Person], *, kind: str, content_type_id: int, object_id: int, due: date, variant: str = ""
) -> QuerySet[Person]:
    """Drop people who already hold a claim with this key, so a repeated sweep inserts nothing."""
    return people.exclude(
        Exists(
            Delivery.objects.filter(
                email=OuterRef("email"),
                kind=kind,
                content_type_id=content_type_id,
                object_id=object_id,
                due=due,
                variant=variant,
            )
        )
    )


def event_cycle_ids(event: Event, *, today: date) -> list[int] | QuerySet:
    """The cycles whose participants an event is for: its own, or the program's current ones."""
    if event.cycle_id:
        return [event.cycle_id]
    return Cycle.objects.filter(program_id=event.program_id, ends_on__gte=today).values("pk")


def event_audience(event: Event, *, today: date) -> QuerySet[Person]:
    """People invited to an event: approved participants of its cycle, and alumni when open to them."""
    in_cycle = Enrollment.objects.filter(
        person=OuterRef("pk"), status=Enrollment.Status.APPROVED, cycle_id__in=event_cycle_ids(event, today=today)
    )
    audience = Q(Exists(in_cycle))
    if event.open_to_alumni:
        alumni = Enrollment.objects.filter(
            person=OuterRef("pk"),
            status=Enrollment.Status.APPROVED,
            cycle__program_id=event.program_id,
            cycle__ends_on__lt=event.starts_at.date(),
        )
        audience |= Q(Exists(alumni))
    audience |= audiences.extra_people(event)  # a community's members for its events
    return Person.objects.filter(audience, separated_on__isnull=True, anonymised_at__isnull=True)


def event_invitees(event: Event, *, today: date) -> QuerySet[Person]:
    """The audience minus anyone who has already answered (they know about the event)."""
    return event_audience(event, today=today).exclude(Exists(RSVP.objects.filter(event=event, person=OuterRef("pk"))))


def event_reminder_audience(event: Event, *, today: date) -> QuerySet[Person]:
    """Those going, and those invited who have not answered. Not those who declined or wait."""
    going = RSVP.objects.filter(event=event, person=OuterRef("pk"), status=RSVP.Status.GOING)
    answered_no = RSVP.objects.filter(
        event=event, person=OuterRef("pk"), status__in=[RSVP.Status.NOT_GOING, RSVP.Status.WAITLIST]
    )
    invited = Q(pk__in=event_audience(event, today=today).values("pk"))
    return Person.objects.filter(
        invited | Q(Exists(going)), separated_on__isnull=True, anonymised_at__isnull=True
    ).exclude(Exists(answered_no))


def event_change_audience(event: Event, *, today: date) -> QuerySet[Person]:
    """Everyone invited or who answered; a cancellation skips those who had said no."""
    answered = RSVP.objects.filter(event=event, person=OuterRef("pk"))
    people = Person.objects.filter(
        Q(pk__in=event_audience(event, today=today).values("pk")) | Q(Exists(answered)),
        separated_on__isnull=True,
        anonymised_at__isnull=True,
    )
    if event.is_cancelled:
        people = people.exclude(
            Exists(RSVP.objects.filter(event=event, person=OuterRef("pk"), status=RSVP.Status.NOT_GOING))
        )
    return people


def application_audience(cycle: Cycle) -> QuerySet[Person]:
    """Employees who may apply to a cycle and have not: the department's, or everyone's for a
    cross-agency program. Only people who can sign in: the others reach the program through an
    invitation from a coordinator, not through the application page."""
    people = Person.objects.employed().filter(anonymised_at__isnull=True, user__is_active=True)
    program = cycle.program
    if program.scope != program.Scope.CROSS_AGENCY and program.department_id:
        people = people.filter(department_id=program.department_id)
    return people.exclude(Exists(Enrollment.objects.filter(cycle=cycle, person=OuterRef("pk"))))


def mentees_yet_to_choose(cycle: Cycle) -> QuerySet[Person]:
    """Approved mentees with no pair and no live choice (one waiting for, or accepted by, a mentor).
    A mentee whose every chosen mentor declined has to choose again."""
    from matching.models import MenteeChoice

    approved = Enrollment.objects.filter(
        cycle=cycle, person=OuterRef("pk"), role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED
    )
    paired = Mentorship.objects.filter(cycle=cycle, mentee=OuterRef("pk"), status=Mentorship.Status.ACTIVE)
    chose = MenteeChoice.objects.filter(
        cycle=cycle, mentee=OuterRef("pk"), status__in=[MenteeChoice.Status.PENDING, MenteeChoice.Status.ACCEPTED]
    )
    return (
        Person.objects.filter(Exists(approved), separated_on__isnull=True)
        .exclude(Exists(paired))
        .exclude(Exists(chose))
    )


def pairs_with_last_meeting(*, now: datetime, program_ids: list[int] | None = None) -> QuerySet[Mentorship]:
    """Active pairs of running cycles with no meeting booked ahead, annotated with `last_met`
    (the latest meeting held or scheduled so far, or None) and `counts_from` (when silence
    starts counting for a pair that never met). The rule is programs.selectors.health's."""
    today = timezone.localdate(now)
    pairs = Mentorship.objects.filter(
        status=Mentorship.Status.ACTIVE, cycle__starts_on__lte=today, cycle__ends_on__gte=today
    )
    if program_ids is not None:
        pairs = pairs.filter(cycle__program_id__in=program_ids)
    upcoming = Meeting.objects.filter(mentorship=OuterRef("pk"), status=Meeting.Status.SCHEDULED, scheduled_at__gt=now)
    return pairs.exclude(Exists(upcoming)).annotate(
        last_met=Max("meetings__scheduled_at", filter=Q(meetings__status__in=health.CONTACT, meetings__scheduled_at__lte=now)),
        counts_from=Greatest("started_on", "cycle__starts_on"),
    )


# One rule for when silence starts: the at-risk definition's.
lapse_start = health.lapse_start


def failed_deliveries(user) -> QuerySet:
    """Mails refused for good or out of tries that this user should see: those about a program
    they coordinate, and those they caused themselves (an invitation, an export link). Staff
    (superusers) see every one, including mails about no program (a password reset)."""
    from programs.selectors.access import coordinated_programs

    failed = Delivery.objects.filter(status=Delivery.Status.FAILED).select_related("program", "person")
    if getattr(user, "is_superuser", False):
        return failed
    return failed.filter(Q(program__in=coordinated_programs(user)) | Q(requested_by=user))
