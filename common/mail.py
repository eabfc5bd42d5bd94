"""The one way any app asks for an e-mail: a row in the delivery ledger, mailed by a worker.

Nothing here talks to SMTP. `mail_queue` records each mail inside the caller's transaction, with
the change that caused it: if the change rolls back there is no mail; once it commits a Celery
worker sends it (notifications/services/sending.py, the only module that calls Django's mail
API), retrying transient SMTP errors with backoff and recording permanent ones for coordinators.

The ledger lives in notifications, to the right of every app that mails (accounts, matching,
surveys, reports), so they cannot import it; notifications registers it here when Django starts.
A mail asked for before that is a configuration error, never a mail silently dropped.

A composed mail (rendered now, because it carries a one-time link that is stored nowhere else)
is kept on its row encrypted with a key derived from SECRET_KEY: a copy of the database alone
does not yield the link, and the row forgets the message once it is finished.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model


@dataclass(frozen=True)
class Composed:
    """A rendered message: what the worker will send, word for word."""

    subject: str
    text: str
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Mail:
    """One mail to one address.

    `kind` is a notifications.models.Kind value. `about` and `variant`, with `to` and the day,
    make the once-only key: asking twice for the same mail about the same object records one.
    Without `message` the ledger renders the mail from fresh state when it is sent.
    """

    kind: str
    to: str
    about: Model | None = None
    variant: str = ""
    due: date | None = None  # the day the mail became due (part of the key); today by default
    person_id: int | None = None
    user_id: int | None = None
    program_id: int | None = None
    requested_by_id: int | None = None
    message: Composed | None = None


_ledger: Callable[[Sequence[Mail]], int] | None = None


def ledger_register(record: Callable[[Sequence[Mail]], int]) -> None:
    global _ledger
    _ledger = record


def mail_queue(*mails: Mail) -> int:
    """Record the mails in the ledger (sent after the surrounding transaction commits)."""
    if _ledger is None:
        raise ImproperlyConfigured("No mail ledger registered: is 'notifications' in INSTALLED_APPS?")
    return _ledger([m for m in mails if m.to])


def compose(template: str, context: dict[str, Any], headers: dict[str, str] | None = None) -> Composed:
    """Render templates/emails/<template>/ now."""
    from mentorship.emails import render_templated

    subject, text, html = render_templated(template, context)
    return Composed(subject=subject, text=text, html=html, headers=dict(headers or {}))


def _fernet():
    from cryptography.fernet import Fernet

    digest = hashlib.sha256(f"mail-payload:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(message: Composed) -> str:
    return _fernet().encrypt(json.dumps(asdict(message)).encode()).decode()


def unseal(token: str) -> Composed:
    """The message back; cryptography.fernet.InvalidToken if SECRET_KEY changed since."""
    return Composed(**json.loads(_fernet().decrypt(token.encode())))
