"""Sealing: answers waiting in the pending pool (and drafts) are stored encrypted.

Fernet (AES-128-CBC with HMAC-SHA256) under a key derived from SECRET_KEY with HKDF, so a copy
of the database alone reads nothing of them. Two details matter for anonymity:

* a Fernet token carries its creation time in clear; every token here is made "at time 0", so
  the ciphertext holds no time at all;
* a ciphertext's length follows its plaintext's; the plaintext is padded to a power of two of at
  least PAD_FLOOR bytes, so the length of a pending row says nothing that could later be matched
  against the length of a released free-text answer (answers up to a few KiB all look the same).

Keys from SECRET_KEY_FALLBACKS still open old tokens, so rotating SECRET_KEY loses nothing.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PAD_FLOOR = 4096
_INFO = b"mentorship.surveys.sealing.v1"

__all__ = ["InvalidToken", "seal", "unseal"]


def _key(secret: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_key(secret) for secret in secrets])


def _padded(raw: bytes) -> bytes:
    size = PAD_FLOOR
    while size < len(raw):
        size *= 2
    # Trailing spaces are JSON whitespace: json.loads ignores them.
    return raw + b" " * (size - len(raw))


def seal(data: Any) -> str:
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=True).encode()
    return _fernet().encrypt_at_time(_padded(raw), current_time=0).decode("ascii")


def unseal(token: str) -> Any:
    """The sealed value; InvalidToken if it was not sealed with SECRET_KEY or a fallback."""
    return json.loads(_fernet().decrypt(token.encode("ascii")))
