"""E-mails of the matching app, one function per e-mail (templates/emails/<name>/).

The "you have been matched" e-mail is not here: notifications sends it to both people when
programs.signals.mentorship_created fires, which publishing a run does for every new pair.
"""

from __future__ import annotations

from django.urls import reverse

from matching.models import MenteeChoice
from mentorship.emails import send_templated


def mentee_choice_declined(choice: MenteeChoice) -> int:
    """Tell the mentee that a mentor they ranked declined, and where their next suggestions are."""
    mentee = choice.mentee
    return send_templated(
        "mentee_choice_declined",
        to=[mentee.email],
        context={
            "name": mentee.first_name,
            "mentor": choice.mentor.full_name,
            "note": choice.note,
            "cycle": choice.cycle,
            "choose_path": reverse("matching:choice", args=[choice.cycle_id]),
        },
    )
