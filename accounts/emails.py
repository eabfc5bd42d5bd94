"""E-mails the accounts app asks for, one function per e-mail.

Rendered now and recorded in the delivery ledger (common.mail), in the caller's transaction: a
worker sends them after commit. The invitation's token is stored nowhere but in that rendered
message, which the ledger keeps encrypted and forgets once sent.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.models import Invitation
from common.mail import Mail, compose, mail_queue


def send_invitation(*, invitation: Invitation, token: str, name: str = "") -> int:
    accept_url = settings.SITE_URL + reverse("accounts:invitation-accept", args=[token])
    message = compose(
        "invitation",
        {
            "name": name,
            "accept_url": accept_url,
            "expires_at": invitation.expires_at,
            "invited_by": invitation.invited_by,
        },
    )
    return mail_queue(
        Mail(
            kind="account_invitation",
            to=invitation.email,
            about=invitation,
            requested_by_id=invitation.invited_by_id,
            message=message,
        )
    )
