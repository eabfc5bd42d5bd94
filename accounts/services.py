"""Writes for logins and invitations."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import emails
from accounts.models import Invitation, User
from accounts.signals import invitation_accepted
from audit.references import user_ref
from audit.services import audit_record


class InvitationInvalid(Exception):
    """The link cannot be used; the message says why in words for the invitee."""


def invitation_token_hash(token: str) -> str:
    # Only the hash is stored, so a copy of the database cannot be used to accept invitations.
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(*, email: str, invited_by: User | None, name: str = "") -> Invitation:
    """Invite one address. A pending invitation for it is replaced, so only the newest link works."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(f"{email} already has a login.")
    Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        token_hash=invitation_token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    audit_record(actor=invited_by, action="invitation.send", target=invitation, summary=email)
    # Recorded with the invitation, mailed by a worker once both are committed. The token is
    # kept only inside that message, encrypted, and forgotten once sent (common/mail.py).
    emails.send_invitation(invitation=invitation, token=token, name=name)
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The usable invitation behind a link, or InvitationInvalid saying plainly why not."""
    invitation = Invitation.objects.filter(token_hash=invitation_token_hash(token)).first()
    if invitation is None:
        raise InvitationInvalid(
            "This invitation link is not valid. It may have been replaced by a newer invitation: "
            "use the link in the most recent e-mail, or ask your program coordinator for a new one."
        )
    if invitation.accepted_at is not None:
        raise InvitationInvalid("This invitation has already been used. Sign in with your e-mail address and password.")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("This invitation has expired. Ask your program coordinator to send a new one.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Create the login for an invitation. The password must already have passed validation."""
    invitation = invitation_for_token(token)
    # Lock the row so two clicks on the same link cannot both create a login.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationInvalid("This invitation has already been used. Sign in with your e-mail address and password.")
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationInvalid("There is already a login for this e-mail address. Sign in, or reset your password.")
    user = User.objects.create_user(email=invitation.email, password=password)
    # The invitee proved they read this mailbox, which is what allauth's verification means.
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    invitation_accepted.send(sender=Invitation, user=user, invitation=invitation)
    audit_record(actor=user, action="invitation.accept", target=invitation, summary=user_ref(user))
    return user
