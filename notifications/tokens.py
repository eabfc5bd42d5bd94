"""Signed one-click unsubscribe links. The signature is the authority, so no login is needed,
and the link names the person only by a signed id (nothing to guess or enumerate)."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from profiles.models import Person

SALT = "notifications.unsubscribe"
# Links in old e-mails keep working for a year; after that the profile page is the way.
MAX_AGE_SECONDS = 366 * 24 * 60 * 60


def unsubscribe_token(person: Person) -> str:
    # The e-mail is signed too: a link forwarded after the address changed owner stops working.
    return signing.dumps({"p": person.pk, "e": person.email.lower()}, salt=SALT, compress=True)


def unsubscribe_url(person: Person) -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(person)])


def person_from_token(token: str) -> Person | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    return Person.objects.filter(pk=data.get("p"), email__iexact=data.get("e", "")).first()
