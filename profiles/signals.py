"""Link a new or returning login to its employee record when its e-mail address is proven:
an accepted invitation, a single sign-on login, or an address confirmed through allauth."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import receiver

from accounts.signals import invitation_accepted
from profiles.services import person_link_user


@receiver(invitation_accepted, dispatch_uid="profiles.link_on_invitation")
def link_on_invitation(sender: Any, *, user: Any, **kwargs: Any) -> None:
    person_link_user(user=user)


@receiver(user_logged_in, dispatch_uid="profiles.link_on_sso_login")
def link_on_sso_login(sender: Any, *, user: Any, **kwargs: Any) -> None:
    # A password login proves nothing new about the address, so only SSO logins link here;
    # that also covers someone added to the roster after their first SSO login.
    if kwargs.get("sociallogin") is not None:
        person_link_user(user=user)


@receiver(email_confirmed, dispatch_uid="profiles.link_on_email_confirmed")
def link_on_email_confirmed(sender: Any, *, email_address: Any, **kwargs: Any) -> None:
    user = email_address.user
    if email_address.email.lower() == user.email.lower():
        person_link_user(user=user)
