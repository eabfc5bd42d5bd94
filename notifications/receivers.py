"""Listeners for programs.signals (sent after the change commits). Connected in apps.ready().

Each claims its notices in the database at once (no Redis involved). If even that fails, the
page that made the change must still succeed: the failure is logged and the work is handed to
a task instead, and the sweep covers what it derives (invitations, reminders).
"""

from __future__ import annotations

import logging
from typing import Any

from circles import signals as circle_signals
from flash import signals as flash_signals
from programs import signals

logger = logging.getLogger("notifications.receivers")


def _notice(notice: str, object_id: int) -> None:
    from notifications import tasks
    from notifications.enqueue import enqueue
    from notifications.services import notices

    try:
        getattr(notices, f"{notice}_notify")(**{tasks.NOTICE_ARGS[notice]: object_id})
    except Exception:
        logger.exception("Could not claim %s notices for %s; handing it to a worker.", notice, object_id)
        enqueue(tasks.notify, notice, object_id)


def on_event_scheduled(sender: Any, event: Any, **kwargs: Any) -> None:
    _notice("event_scheduled", event.pk)


def on_event_changed(sender: Any, event: Any, **kwargs: Any) -> None:
    _notice("event_changed", event.pk)


def on_event_cancelled(sender: Any, event: Any, **kwargs: Any) -> None:
    _notice("event_cancelled", event.pk)


def on_enrollment_decided(sender: Any, enrollment: Any, **kwargs: Any) -> None:
    _notice("enrollment_decided", enrollment.pk)


def on_mentorship_created(sender: Any, mentorship: Any, **kwargs: Any) -> None:
    _notice("mentorship_created", mentorship.pk)


def on_rsvp_promoted(sender: Any, rsvp: Any, **kwargs: Any) -> None:
    _notice("rsvp_promoted", rsvp.pk)


def on_help_requested(sender: Any, help_request: Any, **kwargs: Any) -> None:
    _notice("help_requested", help_request.pk)


def on_flash_requested(sender: Any, conversation: Any, **kwargs: Any) -> None:
    _notice("flash_requested", conversation.pk)


def on_flash_answered(sender: Any, conversation: Any, **kwargs: Any) -> None:
    _notice("flash_answered", conversation.pk)


def on_circle_member_added(sender: Any, member: Any, **kwargs: Any) -> None:
    _notice("circle_joined", member.pk)


def connect() -> None:
    # mentorship_ended and cycle_created need no e-mail of their own: an ended pair simply stops
    # being nudged, and a new cycle's invitations and application notices come from the sweep.
    pairs = [
        (signals.event_scheduled, on_event_scheduled),
        (signals.event_changed, on_event_changed),
        (signals.event_cancelled, on_event_cancelled),
        (signals.enrollment_decided, on_enrollment_decided),
        (signals.mentorship_created, on_mentorship_created),
        (signals.rsvp_promoted, on_rsvp_promoted),
        (signals.help_requested, on_help_requested),
        (flash_signals.flash_requested, on_flash_requested),
        (flash_signals.flash_answered, on_flash_answered),
        (circle_signals.member_added, on_circle_member_added),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"notifications.{receiver.__name__}")
