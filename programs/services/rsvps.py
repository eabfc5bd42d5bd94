"""RSVPs: going, not going, and the waitlist when an event is full.

Every change locks the event row first (select_for_update), so two people answering at the same
moment are served one after the other and the seats counted never exceed the capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from profiles.models import Person
from programs.models import RSVP, Event
from programs.signals import rsvp_promoted


@dataclass(frozen=True)
class RSVPResult:
    rsvp: RSVP
    waitlist_position: int | None  # 1-based; None unless waitlisted
    promoted: tuple[RSVP, ...] = ()


def seats_taken(event: Event, *, excluding: RSVP | None = None) -> int:
    """Seats held by people going, each with their guests."""
    qs = event.rsvps.filter(status=RSVP.Status.GOING)
    if excluding is not None and excluding.pk:
        qs = qs.exclude(pk=excluding.pk)
    total = qs.aggregate(people=Count("pk"), guests=Sum("guests"))
    return (total["people"] or 0) + (total["guests"] or 0)


def waitlist_position(rsvp: RSVP) -> int | None:
    if rsvp.status != RSVP.Status.WAITLIST:
        return None
    ahead = RSVP.objects.filter(
        event_id=rsvp.event_id, status=RSVP.Status.WAITLIST, responded_at__lt=rsvp.responded_at
    ).count()
    return ahead + 1


def rsvp_closed_reason(event: Event, *, now=None) -> str | None:
    now = now or timezone.now()
    if event.cancelled_at is not None:
        return "This event was cancelled, so replies are closed."
    if event.starts_at <= now:
        return "This event has started, so replies are closed."
    return None


@transaction.atomic
def rsvp_respond(*, event: Event, person: Person, going: bool, guests: int = 0) -> RSVPResult:
    """Record a reply. When the event is full, "going" puts the person on the waitlist.

    The caller has already checked that the person may attend (selectors.participant).
    Changing a "going" reply to fewer seats or to "not going" frees seats for the waitlist.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    closed = rsvp_closed_reason(event)
    if closed:
        raise ValidationError(closed)
    if guests < 0:
        raise ValidationError("The number of guests cannot be negative.")
    if not going:
        guests = 0
    if guests > event.guests_per_person:
        if event.guests_per_person == 0:
            raise ValidationError("This event does not allow guests.")
        raise ValidationError(f"You can bring at most {event.guests_per_person} guest(s) to this event.")

    rsvp = RSVP.objects.filter(event=event, person=person).first()
    was_going = rsvp is not None and rsvp.status == RSVP.Status.GOING
    if rsvp is None:
        rsvp = RSVP(event=event, person=person)
    previous_status = rsvp.status if rsvp.pk else None

    if not going:
        rsvp.status = RSVP.Status.NOT_GOING
    else:
        seats_wanted = 1 + guests
        free = None if event.capacity is None else event.capacity - seats_taken(event, excluding=rsvp)
        if free is None or seats_wanted <= free:
            rsvp.status = RSVP.Status.GOING
        elif was_going:
            # Never take a seat away from someone who has one because they asked for more guests.
            raise ValidationError(
                f"Only {max(free - 1, 0)} more guest seat(s) are free; your place for "
                f"{1 + rsvp.guests} is kept."
            )
        else:
            rsvp.status = RSVP.Status.WAITLIST
    if rsvp.status != previous_status:
        # A changed answer is a new answer; for the waitlist it means a place at the back.
        rsvp.responded_at = timezone.now()
    rsvp.guests = guests
    rsvp.save()

    promoted: tuple[RSVP, ...] = ()
    if was_going:
        promoted = _promote_waitlisted(event)
    return RSVPResult(rsvp=rsvp, waitlist_position=waitlist_position(rsvp), promoted=promoted)


def _promote_waitlisted(event: Event) -> tuple[RSVP, ...]:
    """Move waitlisted people to going, in the order they asked, skipping any party too large for
    the seats left (the next one who fits goes instead).

    The caller holds the event's row lock (select_for_update) in the current transaction;
    programs.services.events calls this too, when a coordinator raises the capacity."""
    free = None if event.capacity is None else event.capacity - seats_taken(event)
    if free is not None and free <= 0:
        return ()
    candidates = list(event.rsvps.filter(status=RSVP.Status.WAITLIST).order_by("responded_at", "pk"))
    promoted: list[RSVP] = []
    for candidate in candidates:
        if free is not None and candidate.seats > free:
            continue
        candidate.status = RSVP.Status.GOING
        candidate.save(update_fields=["status"])
        promoted.append(candidate)
        if free is not None:
            free -= candidate.seats
            if free <= 0:
                break
    for rsvp in promoted:
        transaction.on_commit(lambda rsvp=rsvp: rsvp_promoted.send(sender=RSVP, rsvp=rsvp))
    return tuple(promoted)
