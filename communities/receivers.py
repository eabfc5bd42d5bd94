"""Wiring: a community's events open to its members (programs.audiences), its part of "my data"
(privacy), and the mentors' community of a program takes every new mentor (programs.signals,
sent after commit)."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("communities.receivers")


def on_enrollment_decided(sender: Any, enrollment: Any, **kwargs: Any) -> None:
    from communities.services import mentors_community_add
    from programs.models import Enrollment

    if enrollment.role == Enrollment.Role.MENTOR and enrollment.status == Enrollment.Status.APPROVED:
        _safely(mentors_community_add, program=enrollment.cycle.program, person=enrollment.person)


def on_mentorship_created(sender: Any, mentorship: Any, **kwargs: Any) -> None:
    from communities.services import mentors_community_add

    _safely(mentors_community_add, program=mentorship.cycle.program, person=mentorship.mentor)


def _safely(fn: Any, **kwargs: Any) -> None:
    # The change that sent the signal has committed; a failure here must not break its page.
    # The `sync_mentor_communities` command adds anyone missed.
    try:
        fn(**kwargs)
    except Exception:
        logger.exception("Could not add a mentor to the mentors' community.")


def connect() -> None:
    from communities import selectors
    from privacy.services import register_export_section
    from programs import audiences, signals

    audiences.register(events_for=selectors.community_event_condition, people_for=selectors.community_people_condition)
    register_export_section("communities", selectors.export_memberships)
    signals.enrollment_decided.connect(on_enrollment_decided, dispatch_uid="communities.enrollment_decided")
    signals.mentorship_created.connect(on_mentorship_created, dispatch_uid="communities.mentorship_created")
