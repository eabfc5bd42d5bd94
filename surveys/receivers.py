"""Listeners for programs' domain signals (programs never imports surveys)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from surveys.models import Survey


def event_changed(sender: Any, event: Any, **kwargs: Any) -> None:
    """A survey that follows an event moves with it, as long as it has not opened yet."""
    with transaction.atomic():
        for survey in Survey.objects.select_for_update().filter(
            event=event, trigger=Survey.Trigger.EVENT, opened_at__isnull=True
        ):
            survey.event = event
            survey.resolve_dates()
            survey.save(update_fields=["opens_on", "closes_on"])
