"""Suite-wide checks and fixtures. App-specific fixtures live in each app's tests/."""

from __future__ import annotations

import os

import pytest
from django.conf import settings


def pytest_configure(config: pytest.Config) -> None:
    # Under CI the suite must prove itself on PostgreSQL; SQLite would hide real problems.
    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("CI", "").lower() == "true" and not engine.endswith("postgresql"):
        raise pytest.UsageError(f"CI=true requires DATABASE_URL to point at PostgreSQL, got {engine}.")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _simple_static_storage(settings: object) -> None:
    # Tests render templates without running collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
