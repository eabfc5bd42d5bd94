"""Rendering of e-mails (never sending: see common/mail.py and notifications/services/sending.py).

Each app declares its e-mails in `<app>/emails.py`, one function per e-mail, and each renders
templates/emails/<name>/{subject.txt, body.txt, body.html} through `render_templated` or
`build_templated` below.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def render_templated(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}/subject.txt", context, using="text").split())
    text = render_to_string(f"emails/{name}/body.txt", context, using="text")
    html = render_to_string(f"emails/{name}/body.html", context)
    return subject, text, html


def build_templated(
    name: str,
    *,
    to: Sequence[str],
    context: dict[str, Any],
    attachments: Sequence[tuple[str, bytes | str, str]] = (),
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Render templates/emails/<name>/ into one message with text and HTML parts (not sent)."""
    subject, text, html = render_templated(name, context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=list(to), headers=headers or {}
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message
