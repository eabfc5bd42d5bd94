"""Argon2id with the cost chosen for this project's sign-in load.

Django's Argon2PasswordHasher defaults (100 MiB, 8 lanes) cost over a second of CPU on the
2-core production machine; PBKDF2 at 1,000,000 iterations about the same, which queued a whole
department's 9 am sign-ins (median 4.7 s). OWASP's first Argon2id setting (19 MiB, t=2, p=1)
costs tens of milliseconds (bench/password_hashing.py). Hashes keep the "argon2" algorithm name,
so changing the cost later only upgrades each hash on its owner's next sign-in.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return settings.ARGON2_TIME_COST

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return settings.ARGON2_MEMORY_KIB

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return settings.ARGON2_PARALLELISM
