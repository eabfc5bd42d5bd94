"""E-mails sent by the accounts app, one function per e-mail."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.models import Invitation
from mentorship.emails import send_templated


def send_invitation(*, invitation: Invitation, token: str, name: str = "") -> int:
    accept_url = settings.SITE_URL + reverse("accounts:invitation-accept", args=[token])
    return send_templated(
        "invitation",
        to=[invitation.email],
        context={
            "name": name,
            "accept_url": accept_url,
            "expires_at": invitation.expires_at,
            "invited_by": invitation.invited_by,
        },
    )
