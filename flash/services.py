"""Asking, answering and closing flash conversations. Every rule about them lives here."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from flash.models import DEFAULT_PER_MONTH, MAX_PER_MONTH, ExpertAvailability, FlashConversation
from flash.signals import flash_answered, flash_requested
from profiles.models import Person, PersonSkill, Skill

# How far ahead an expert may propose a time, and how soon (a request is not an ambush).
LATEST_DAYS = 60
EARLIEST_MINUTES = 60


def availability_of(person: Person) -> tuple[bool, int]:
    """(takes requests, how many a month). Unset: people willing to mentor take the default."""
    row = ExpertAvailability.objects.filter(person=person).first()
    if row is None:
        return person.willing_to_mentor, DEFAULT_PER_MONTH
    return row.accepts and row.per_month > 0, row.per_month


def availability_set(*, person: Person, accepts: bool, per_month: int) -> ExpertAvailability:
    if not 0 <= per_month <= MAX_PER_MONTH:
        raise ValidationError({"per_month": f"Choose from 0 to {MAX_PER_MONTH} a month."})
    row, _ = ExpertAvailability.objects.update_or_create(person=person, defaults={"accepts": accepts, "per_month": per_month})
    return row


def _zone(person: Person) -> ZoneInfo:
    return ZoneInfo(person.time_zone or settings.TIME_ZONE)


def _month_bounds(moment: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    local = moment.astimezone(zone)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def month_load(expert: Person, moment: datetime) -> int:
    """Conversations that count against the expert's month holding `moment`: accepted ones at a
    time in that month, and requests made in it still waiting for an answer."""
    start, end = _month_bounds(moment, _zone(expert))
    accepted = FlashConversation.objects.filter(
        expert=expert, status=FlashConversation.Status.ACCEPTED, starts_at__gte=start, starts_at__lt=end
    ).count()
    waiting = FlashConversation.objects.filter(
        expert=expert, status=FlashConversation.Status.REQUESTED, created_at__gte=start, created_at__lt=end
    ).count()
    return accepted + waiting


def _lock(person: Person) -> None:
    # Requests to one expert are decided one at a time, so two cannot both take the last place.
    Person.objects.select_for_update().filter(pk=person.pk).first()


@transaction.atomic
def flash_request(*, requester: Person, expert: Person, skill: Skill, minutes: int, note: str) -> FlashConversation:
    if requester.pk == expert.pk:
        raise ValidationError("You cannot ask yourself for a conversation.")
    if expert.separated_on is not None:
        raise ValidationError(f"{expert.full_name} has left the department.")
    if not PersonSkill.objects.filter(person=expert, skill=skill).exists():
        raise ValidationError({"skill": f"{expert.full_name} does not list {skill.name} among their skills."})
    if minutes not in (30, 45, 60):
        raise ValidationError({"minutes": "Choose 30, 45 or 60 minutes."})
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say in a line or two what you would like to talk about."})
    _lock(expert)
    accepts, per_month = availability_of(expert)
    if not accepts:
        raise ValidationError(f"{expert.full_name} is not taking flash conversation requests at the moment.")
    open_already = FlashConversation.objects.filter(
        requester=requester, expert=expert, skill=skill, status__in=FlashConversation.OPEN
    ).filter(_still_open()).exists()
    if open_already:
        raise ValidationError(f"You already have an open request to {expert.full_name} about {skill.name}.")
    now = timezone.now()
    if month_load(expert, now) >= per_month:
        raise ValidationError(
            f"{expert.full_name} takes {per_month} conversation{'s' if per_month != 1 else ''} a month and "
            f"has no place left in {now.astimezone(_zone(expert)):%B}. Try again next month or ask another expert."
        )
    conversation = FlashConversation.objects.create(
        requester=requester, expert=expert, skill=skill, minutes=minutes, note=note
    )
    transaction.on_commit(lambda: flash_requested.send(sender=FlashConversation, conversation=conversation))
    return conversation


def _still_open() -> Q:
    # An accepted conversation in the past is done: asking again about the same skill is fine.
    return Q(status=FlashConversation.Status.REQUESTED) | Q(starts_at__gte=timezone.now())


def _for_update(conversation: FlashConversation) -> FlashConversation:
    return FlashConversation.objects.select_for_update().select_related("expert", "requester", "skill").get(
        pk=conversation.pk
    )


@transaction.atomic
def flash_accept(*, conversation: FlashConversation, by: Person, starts_at: datetime, message: str = "") -> FlashConversation:
    conversation = _for_update(conversation)
    if by.pk != conversation.expert_id:
        raise ValidationError("Only the person asked can accept.")
    if conversation.status != FlashConversation.Status.REQUESTED:
        raise ValidationError(f"This request is already {conversation.get_status_display().lower()}.")
    now = timezone.now()
    if starts_at < now + timedelta(minutes=EARLIEST_MINUTES):
        raise ValidationError({"starts_at": "Propose a time at least an hour from now."})
    if starts_at > now + timedelta(days=LATEST_DAYS):
        raise ValidationError({"starts_at": f"Propose a time within the next {LATEST_DAYS} days."})
    _lock(conversation.expert)
    _, per_month = availability_of(conversation.expert)
    # This request already counts in the month it was made if it is still waiting: do not count it twice.
    load = month_load(conversation.expert, starts_at)
    start, end = _month_bounds(starts_at, _zone(conversation.expert))
    if start <= conversation.created_at < end:
        load -= 1
    if load >= per_month:
        raise ValidationError({"starts_at": f"You have taken your {per_month} conversations for {starts_at.astimezone(_zone(conversation.expert)):%B}; choose a time in another month or decline."})
    conversation.status = FlashConversation.Status.ACCEPTED
    conversation.starts_at = starts_at
    conversation.expert_message = message.strip()
    conversation.responded_at = now
    conversation.sequence += 1
    conversation.save()
    transaction.on_commit(lambda: flash_answered.send(sender=FlashConversation, conversation=conversation))
    return conversation


@transaction.atomic
def flash_decline(*, conversation: FlashConversation, by: Person, reason: str = "") -> FlashConversation:
    conversation = _for_update(conversation)
    if by.pk != conversation.expert_id:
        raise ValidationError("Only the person asked can decline.")
    if conversation.status != FlashConversation.Status.REQUESTED:
        raise ValidationError(f"This request is already {conversation.get_status_display().lower()}.")
    conversation.status = FlashConversation.Status.DECLINED
    conversation.decline_reason = reason.strip()
    conversation.responded_at = timezone.now()
    conversation.sequence += 1
    conversation.save()
    transaction.on_commit(lambda: flash_answered.send(sender=FlashConversation, conversation=conversation))
    return conversation


@transaction.atomic
def flash_withdraw(*, conversation: FlashConversation, by: Person) -> FlashConversation:
    conversation = _for_update(conversation)
    if by.pk != conversation.requester_id:
        raise ValidationError("Only the person who asked can withdraw the request.")
    if conversation.status != FlashConversation.Status.REQUESTED:
        raise ValidationError(f"This request is already {conversation.get_status_display().lower()}.")
    conversation.status = FlashConversation.Status.WITHDRAWN
    conversation.sequence += 1
    conversation.save()
    return conversation


@transaction.atomic
def flash_feedback(*, conversation: FlashConversation, by: Person, useful: bool, note: str = "") -> FlashConversation:
    conversation = _for_update(conversation)
    if by.pk != conversation.requester_id:
        raise ValidationError("Only the person who asked answers this question.")
    if conversation.status != FlashConversation.Status.ACCEPTED or conversation.starts_at > timezone.now():
        raise ValidationError("You can say whether it was useful once the conversation has taken place.")
    conversation.useful = useful
    conversation.feedback = note.strip()
    conversation.feedback_at = timezone.now()
    conversation.save(update_fields=["useful", "feedback", "feedback_at"])
    return conversation
