"""E-mails of the matching app, one function per e-mail (templates/emails/<name>/).

Rendered now and recorded in the delivery ledger (common.mail) in the caller's transaction; a
worker sends them after commit. The "you have been matched" e-mail is not here: notifications
sends it to both people when programs.signals.mentorship_created fires, which publishing a run
does for every new pair.
"""

from __future__ import annotations

from django.urls import reverse

from common.mail import Mail, compose, mail_queue
from matching.models import MenteeChoice


def mentee_choice_declined(choice: MenteeChoice) -> int:
    """Tell the mentee that a mentor they ranked declined, and where their next suggestions are."""
    mentee = choice.mentee
    message = compose(
        "mentee_choice_declined",
        {
            "name": mentee.first_name,
            "mentor": choice.mentor.full_name,
            "note": choice.note,
            "cycle": choice.cycle,
            "choose_path": reverse("matching:choice", args=[choice.cycle_id]),
        },
    )
    return mail_queue(
        Mail(
            kind="mentee_choice_declined",
            to=mentee.email,
            about=choice,
            person_id=mentee.pk,
            program_id=choice.cycle.program_id,
            message=message,
        )
    )
