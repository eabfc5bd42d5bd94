"""What people see of flash conversations: their own, and for coordinators and HR, volumes only."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format

from common.visibility import MIN_GROUP_SIZE
from flash.models import FlashConversation
from profiles.models import Person


def mine(person: Person) -> tuple[list[FlashConversation], list[FlashConversation]]:
    """(asked of me, asked by me), newest first, with the people and skill in the same query."""
    base = FlashConversation.objects.select_related("requester", "expert", "skill")
    return list(base.filter(expert=person)[:100]), list(base.filter(requester=person)[:100])


def conversation_for(person: Person, pk: int) -> QuerySet[FlashConversation]:
    """Only the two people in a conversation reach it; anyone else gets a 404."""
    return FlashConversation.objects.filter(Q(expert=person) | Q(requester=person), pk=pk)


def volumes(*, months: int = 12, today: date | None = None) -> dict:
    """Counts by month and by skill over the last `months` months. No names, notes or answers:
    the useful share is given only when at least MIN_GROUP_SIZE people answered."""
    today = today or timezone.localdate()
    since = today.replace(day=1) - timedelta(days=31 * (months - 1))
    since = since.replace(day=1)
    rows = FlashConversation.objects.filter(created_at__date__gte=since)
    by_month = list(
        rows.annotate(month=TruncMonth("created_at")).values("month").annotate(
            asked=Count("pk"),
            accepted=Count("pk", filter=Q(status=FlashConversation.Status.ACCEPTED)),
            declined=Count("pk", filter=Q(status=FlashConversation.Status.DECLINED)),
        ).order_by("-month")
    )
    by_skill = list(
        rows.values("skill__name").annotate(
            asked=Count("pk"), accepted=Count("pk", filter=Q(status=FlashConversation.Status.ACCEPTED))
        ).order_by("-asked", "skill__name")[:25]
    )
    for row in by_month:
        row["label"] = date_format(row["month"], "YEAR_MONTH_FORMAT")  # the project's format setting
    answered = rows.filter(useful__isnull=False).aggregate(n=Count("pk"), yes=Count("pk", filter=Q(useful=True)))
    useful_share = round(100 * answered["yes"] / answered["n"]) if answered["n"] >= MIN_GROUP_SIZE else None
    return {
        "since": since, "since_label": date_format(since, "YEAR_MONTH_FORMAT"), "by_month": by_month, "by_skill": by_skill, "answered": answered["n"],
        "useful_share": useful_share, "min_group": MIN_GROUP_SIZE, "total": rows.count(),
    }
