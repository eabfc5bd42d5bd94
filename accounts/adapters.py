"""allauth hooks: who may sign up, how failed logins are counted, and how SSO logins find
their account.

Linking a login to its employee record (profiles.Person) happens in profiles.signals, which
listens to the signals sent here and by allauth; accounts never imports profiles' models.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.models import User
from common.mail import Composed, Mail, mail_queue


class AccountAdapter(DefaultAccountAdapter):
    """Open sign-up is off unless the deployment turns it on; invitations still work. allauth's
    own mails (password reset, sign-in codes, address confirmation) go through the ledger."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render as allauth does, then record the mail for a worker instead of calling SMTP in
        the request. The message (a reset link) is kept encrypted and forgotten once sent."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        msg = self.render_mail(template_prefix, email, ctx)
        html = next((content for content, mimetype in getattr(msg, "alternatives", []) if mimetype == "text/html"), "")
        text = msg.body
        if msg.content_subtype == "html":
            text, html = "", msg.body
        user = context.get("user")
        mail_queue(
            Mail(
                kind="account_mail",
                to=email,
                user_id=getattr(user, "pk", None),
                message=Composed(subject=str(msg.subject), text=text, html=html, headers=dict(msg.extra_headers)),
            )
        )

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCOUNT_ALLOW_SIGNUPS)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """allauth's own failed-login limit (ACCOUNT_RATE_LIMITS) answers with the lockout page.

        Two limits guard sign-in: django-axes locks the account+network after AXES_FAILURE_LIMIT
        failures and shows account/lockout.html; allauth's limit, checked before the password,
        would add its own "Too many failed login attempts" to the form. Flagging the request as
        locked out lets AxesMiddleware answer both with the same page and status (429).
        """
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        # allauth passes the address as "email", but django-axes reads the username from the
        # key named by AXES_USERNAME_FORM_FIELD ("login"). Without this copy axes records every
        # failure under an empty username, so five typos anywhere behind one office NAT would
        # lock everybody there out, while a single account would never lock on its own.
        email = credentials.get("email")
        if email and "login" not in credentials:
            credentials = {**credentials, "login": str(email).strip().lower()}
        return super().authenticate(request, **credentials)


def sso_email(sociallogin: Any) -> str:
    """The address the identity provider asserted for this login ('' if none)."""
    for address in getattr(sociallogin, "email_addresses", None) or []:
        if address.email and address.verified:
            return address.email.strip().lower()
    email = getattr(sociallogin.user, "email", "") or ""
    return email.strip().lower()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on may create accounts even when open sign-up is off: the identity
    provider has already vouched for the employee."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: object) -> bool:
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        """A first SSO login for someone who already has a login (say, from an invitation)
        attaches to that login instead of failing on the duplicate e-mail address.

        Only the department's own identity providers are configured (docs/sso.md), so the
        address they assert is trusted to belong to the employee.
        """
        if sociallogin.is_existing or (getattr(sociallogin, "state", None) or {}).get("process") == "connect":
            # A signed-in person connecting an SSO account keeps it on their own login.
            return
        email = sso_email(sociallogin)
        if not email:
            return
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is not None:
            sociallogin.connect(request, user)
