from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Open sign-up is off unless the deployment turns it on; invitations still work."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCOUNT_ALLOW_SIGNUPS)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on may create accounts even when open sign-up is off: the identity
    provider has already vouched for the employee."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: object) -> bool:
        return True
