"""Notices that follow a change: claimed as soon as programs reports the change committed.

The claim is a database write only, so it succeeds whether or not Redis is up; queuing happens
after it commits and a failure there is logged and left to the sweep.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from circles.models import CircleMember
from flash.models import FlashConversation
from notifications import selectors
from notifications.models import Delivery, Kind
from notifications.services.claims import (
    claims_for_people,
    content_type_id,
    deliveries_claim,
    queue_after_commit,
)
from notifications.services.sweep import invitation_due
from profiles.models import Person
from programs.models import RSVP, Enrollment, Event, HelpRequest, Mentorship


def _scope(obj, kind: str) -> Q:
    return Q(content_type_id=content_type_id(obj), object_id=obj.pk, kind=kind)


@transaction.atomic
def _claim_and_queue(people, *, kind: str, obj, due: date, variant: str = "") -> int:
    people = selectors.not_claimed(
        people, kind=kind, content_type_id=content_type_id(obj), object_id=obj.pk, due=due, variant=variant
    )
    count = deliveries_claim(
        rows=claims_for_people(people.values_list("pk", "email"), kind=kind, obj=obj, due=due, variant=variant)
    )
    queue_after_commit(scope=_scope(obj, kind))
    return count


def event_scheduled_notify(*, event_id: int) -> int:
    event = Event.objects.filter(pk=event_id, cancelled_at__isnull=True).first()
    if event is None or event.starts_at <= timezone.now():
        return 0
    people = selectors.event_invitees(event, today=timezone.localdate())
    return _claim_and_queue(people, kind=Kind.EVENT_INVITATION, obj=event, due=invitation_due(event))


def event_changed_notify(*, event_id: int) -> int:
    """Keyed by the event's sequence: each change is told once, a later change is a new notice."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None or event.is_cancelled:
        return 0
    people = selectors.event_change_audience(event, today=timezone.localdate())
    return _claim_and_queue(
        people, kind=Kind.EVENT_CHANGED, obj=event, due=timezone.localdate(event.starts_at), variant=str(event.sequence)
    )


def event_cancelled_notify(*, event_id: int) -> int:
    event = Event.objects.filter(pk=event_id, cancelled_at__isnull=False).first()
    if event is None:
        return 0
    people = selectors.event_change_audience(event, today=timezone.localdate())
    return _claim_and_queue(
        people,
        kind=Kind.EVENT_CANCELLED,
        obj=event,
        due=timezone.localdate(event.cancelled_at),
        variant=str(event.sequence),
    )


def enrollment_decided_notify(*, enrollment_id: int) -> int:
    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is None or enrollment.status not in (
        Enrollment.Status.APPROVED,
        Enrollment.Status.WAITLISTED,
        Enrollment.Status.DECLINED,
    ):
        return 0
    day = timezone.localdate(enrollment.decided_at or timezone.now())
    people = Person.objects.filter(pk=enrollment.person_id)
    return _claim_and_queue(people, kind=Kind.ENROLLMENT_DECISION, obj=enrollment, due=day, variant=enrollment.status)


def mentorship_created_notify(*, mentorship_id: int) -> int:
    mentorship = Mentorship.objects.filter(pk=mentorship_id, status=Mentorship.Status.ACTIVE).first()
    if mentorship is None:
        return 0
    people = Person.objects.filter(pk__in=[mentorship.mentor_id, mentorship.mentee_id])
    return _claim_and_queue(people, kind=Kind.MATCHED, obj=mentorship, due=timezone.localdate(mentorship.created_at))


def rsvp_promoted_notify(*, rsvp_id: int) -> int:
    rsvp = RSVP.objects.filter(pk=rsvp_id, status=RSVP.Status.GOING).select_related("event").first()
    if rsvp is None or rsvp.event.is_cancelled:
        return 0
    people = Person.objects.filter(pk=rsvp.person_id)
    return _claim_and_queue(people, kind=Kind.RSVP_PROMOTED, obj=rsvp, due=timezone.localdate())


def flash_requested_notify(*, conversation_id: int) -> int:
    """To the expert asked."""
    conversation = FlashConversation.objects.filter(pk=conversation_id, status=FlashConversation.Status.REQUESTED).first()
    if conversation is None:
        return 0
    people = Person.objects.filter(pk=conversation.expert_id)
    return _claim_and_queue(people, kind=Kind.FLASH_REQUESTED, obj=conversation, due=timezone.localdate(conversation.created_at))


def flash_answered_notify(*, conversation_id: int) -> int:
    """Accepted: both get the invitation with its calendar entry. Declined: the person who asked."""
    conversation = FlashConversation.objects.filter(pk=conversation_id).first()
    if conversation is None or conversation.responded_at is None:
        return 0
    if conversation.status == FlashConversation.Status.ACCEPTED:
        people = Person.objects.filter(pk__in=[conversation.requester_id, conversation.expert_id])
        kind = Kind.FLASH_ACCEPTED
    elif conversation.status == FlashConversation.Status.DECLINED:
        people = Person.objects.filter(pk=conversation.requester_id)
        kind = Kind.FLASH_DECLINED
    else:
        return 0
    return _claim_and_queue(
        people, kind=kind, obj=conversation, due=timezone.localdate(conversation.responded_at),
        variant=str(conversation.sequence),
    )


def circle_joined_notify(*, member_id: int) -> int:
    """To a mentee given a seat in a circle (mentors are set up with the circle: no e-mail)."""
    member = CircleMember.objects.filter(pk=member_id, role=CircleMember.Role.MENTEE, left_on__isnull=True).first()
    if member is None:
        return 0
    people = Person.objects.filter(pk=member.person_id)
    return _claim_and_queue(people, kind=Kind.CIRCLE_JOINED, obj=member, due=member.joined_on)


@transaction.atomic
def help_requested_notify(*, help_request_id: int) -> int:
    """To the coordinators of the pair's program."""
    help_request = HelpRequest.objects.filter(pk=help_request_id).select_related("mentorship__cycle").first()
    if help_request is None:
        return 0
    User = get_user_model()
    coordinators = User.objects.filter(
        is_active=True, coordinated_programs=help_request.mentorship.cycle.program_id
    ).values_list("pk", "email", "person__id")
    ct = content_type_id(HelpRequest)
    due = timezone.localdate(help_request.created_at)
    rows = [
        Delivery(
            email=email.lower(),
            user_id=pk,
            person_id=person_id,
            kind=Kind.HELP_REQUESTED,
            content_type_id=ct,
            object_id=help_request.pk,
            due=due,
        )
        for pk, email, person_id in coordinators
        if email
    ]
    count = deliveries_claim(rows=rows)
    queue_after_commit(scope=_scope(help_request, Kind.HELP_REQUESTED))
    return count
