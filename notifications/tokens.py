"""Signed one-click unsubscribe links. The signature is the authority, so no login is needed,
and the link names the person only by a signed id (nothing to guess or enumerate)."""

from __future__ import annotations

import hashlib
import hmac

from django.core import signing
from django.urls import reverse

from profiles.models import Person

SALT = "notifications.unsubscribe"
# Links in old e-mails keep working for a year; after that the profile page is the way.
MAX_AGE_SECONDS = 366 * 24 * 60 * 60


def unsubscribe_token(person: Person) -> str:
    # A digest of the address is signed too: once the address changes, old links stop working.
    # Only a digest, so the address itself never appears in URLs and server logs.
    return signing.dumps({"p": person.pk, "e": _address_digest(person.email)}, salt=SALT)


def _address_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def unsubscribe_url(person: Person) -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(person)])


def person_from_token(token: str) -> Person | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    person = Person.objects.filter(pk=data.get("p")).first()
    if person is None or not hmac.compare_digest(_address_digest(person.email), str(data.get("e", ""))):
        return None
    return person
