"""A person's private calendar feed: one secret address that Outlook or Google Calendar polls.

Only a SHA-256 digest of the secret is stored, as for account invitations: a copy of the
database does not hand out anyone's calendar. Making a new address replaces the digest, so the
old address stops working at once.
"""

from __future__ import annotations

from django.db import models

from profiles.models import Person


class CalendarFeed(models.Model):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a calendar last fetched the feed: lets the person see that a subscription is alive.
    last_read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"
