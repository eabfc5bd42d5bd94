"""Survey invitations and reminders (filled in once surveys/ is in place)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Model

from notifications.models import Delivery


def surveys_claim(*, now: datetime) -> int:
    return 0


def survey_still_due(delivery: Delivery, obj: Model, *, now: datetime) -> str:
    return ""


def survey_send(delivery: Delivery, obj: Model) -> None:
    raise NotImplementedError


def low_response_surveys(*, program_ids: list[int], now: datetime) -> dict[int, list[dict]]:
    return {}
