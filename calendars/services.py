"""Creating, replacing and turning off a person's calendar feed address."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from calendars.models import CalendarFeed
from profiles.models import Person


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_issue(*, person: Person) -> str:
    """Give `person` a new secret feed address and return its token (shown once, never stored).

    An existing address is replaced in the same row, so it stops working the moment this commits.
    """
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        person=person,
        defaults={"token_hash": token_digest(token), "created_at": timezone.now(), "last_read_at": None},
    )
    return token


def feed_revoke(*, person: Person) -> bool:
    deleted, _ = CalendarFeed.objects.filter(person=person).delete()
    return bool(deleted)


def feed_by_token(token: str) -> CalendarFeed | None:
    # Tokens are URL-safe base64 of 32 bytes (43 characters); anything else is not ours.
    if not token or len(token) > 64:
        return None
    return CalendarFeed.objects.select_related("person").filter(token_hash=token_digest(token)).first()


def feed_mark_read(feed: CalendarFeed) -> None:
    # At most one write an hour per feed: calendars poll often and the page only needs "recently".
    now = timezone.now()
    if feed.last_read_at is None or (now - feed.last_read_at).total_seconds() > 3600:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
