"""E-mails of the surveys app, one function per e-mail (templates/emails/survey_*/)."""

from __future__ import annotations

from mentorship.emails import send_templated
from surveys.models import Invitation


def send_survey_invitation(*, invitation: Invitation, link: str) -> int:
    survey = invitation.survey
    return send_templated(
        "survey_invitation",
        to=[invitation.person.email],
        context={
            "person": invitation.person,
            "survey": survey,
            "program": survey.cycle.program,
            "link": link,
            "closes_on": survey.closes_on,
            "anonymous": survey.anonymous,
            "about_pair": invitation.mentorship_id is not None,
        },
        # The link signs the person in to this one survey; keep it out of auto-forwarding rules.
        headers={"X-Auto-Response-Suppress": "All"},
    )
