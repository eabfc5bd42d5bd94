"""Invitation tokens: unguessable, derived rather than stored.

The link token is an HMAC of the invitation's random nonce under the SECRET_KEY; the database
keeps only its SHA-256. A copy of the database alone therefore opens no survey, yet the
invitation e-mail and any later reminder can rebuild the same link from the nonce. Rotating
SECRET_KEY invalidates outstanding links (as it does Django's password-reset links).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

_SALT = "surveys.invitation-token"


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_for(nonce: str) -> str:
    return salted_hmac(_SALT, nonce, algorithm="sha256").hexdigest()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_for(invitation: object) -> str:
    """The absolute link that goes into the e-mail (and only there)."""
    token = token_for(invitation.nonce)  # type: ignore[attr-defined]
    return settings.SITE_URL + reverse("surveys:answer-token", args=[token])
