"""The demo's flash conversations: retiring experts passing skills on in one-off talks, and
something waiting for each demo login (a request to answer, a conversation coming up)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from flash.models import ExpertAvailability, FlashConversation
from profiles.models import Person, PersonSkill

from .people import login_email

NOTES = [
    "Could you walk me through how you prepare for the annual audit?",
    "I'm taking over the vendor contracts next quarter and would value your view on the pitfalls.",
    "How do you explain a budget variance to the council without losing them?",
    "I'd like to understand how the permit backlog was cleared in 2019.",
    "What should I read first to get up to speed on this?",
    "How do you keep a project on track when two agencies share it?",
]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def build_flash(*, rng: random.Random, today: date) -> dict[str, int]:
    horizon = today + timedelta(days=3 * 365)
    experts = list(
        PersonSkill.objects.filter(
            level__gte=4, person__separated_on__isnull=True, person__retirement_eligible_on__lte=horizon
        ).select_related("person", "skill").order_by("person_id", "skill_id")
    )
    if not experts:
        return {"flash_conversations": 0}
    askers = list(Person.objects.employed().filter(retirement_eligible_on__gt=horizon).order_by("pk")[:400])
    rng.shuffle(experts)
    rows = []
    for n, holding in enumerate(experts[:60]):
        asker = rng.choice(askers)
        if asker.pk == holding.person_id:
            continue
        created = _at(today - timedelta(days=rng.randint(5, 300)), 9)
        kind = n % 5
        row = FlashConversation(
            requester=asker, expert=holding.person, skill=holding.skill, minutes=rng.choice((30, 45, 60)),
            note=rng.choice(NOTES), created_at=created, responded_at=created + timedelta(days=1), sequence=1,
        )
        if kind == 4:
            row.status = FlashConversation.Status.DECLINED
            row.decline_reason = "I'm stretched this month; try again after the budget cycle."
        else:
            row.status = FlashConversation.Status.ACCEPTED
            row.starts_at = _at(created.date() + timedelta(days=rng.randint(3, 14)), rng.choice((10, 14, 15)))
            if row.starts_at < timezone.now():
                row.useful = rng.random() < 0.9
                row.feedback_at = row.starts_at + timedelta(days=1)
        rows.append(row)
    conversations = FlashConversation.objects.bulk_create(rows)
    # created_at is auto_now_add: set the story's dates afterwards.
    for row in conversations:
        FlashConversation.objects.filter(pk=row.pk).update(created_at=row.created_at)

    mentee = Person.objects.filter(email=login_email("mentee")).first()
    mentor = Person.objects.filter(email=login_email("mentor")).first()
    if mentor is not None:
        ExpertAvailability.objects.update_or_create(person=mentor, defaults={"accepts": True, "per_month": 3})
        skill = PersonSkill.objects.filter(person=mentor).order_by("-level", "skill__name").first()
        if skill is not None:
            FlashConversation.objects.create(
                requester=askers[0] if askers[0].pk != mentor.pk else askers[1], expert=mentor, skill=skill.skill,
                minutes=30, note="I'm new to the team and would like to hear how you approach this.",
            )
    if mentee is not None:
        holding = next((h for h in experts if h.person_id not in (mentee.pk, getattr(mentor, "pk", None))), None)
        if holding is not None:
            FlashConversation.objects.create(
                requester=mentee, expert=holding.person, skill=holding.skill, minutes=45,
                note="My development plan has this as a goal; could you share how you learned it?",
                status=FlashConversation.Status.ACCEPTED, starts_at=_at(today + timedelta(days=6), 14),
                responded_at=timezone.now(), expert_message="Let's talk by video; I'll send a link.", sequence=1,
            )
    return {"flash_conversations": FlashConversation.objects.count()}
