"""Sign-in hashes with Argon2id, and older hashes are upgraded on their owner's next sign-in."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.urls import reverse

from mentorship import settings as project_settings
from profiles.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def production_hashers(settings):
    # The suite hashes with MD5 for speed (conftest.py); these tests use the project's own list.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    # Cheaper than production so the test stays fast; the parameters are what must_update compares.
    settings.ARGON2_TIME_COST, settings.ARGON2_MEMORY_KIB, settings.ARGON2_PARALLELISM = 1, 1024, 1
    return settings


def test_argon2id_comes_first_with_owasps_parameters():
    assert project_settings.PASSWORD_HASHERS[0] == "accounts.hashers.Argon2idHasher"
    costs = (project_settings.ARGON2_TIME_COST, project_settings.ARGON2_MEMORY_KIB, project_settings.ARGON2_PARALLELISM)
    assert costs == (2, 19456, 1)


def _sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_pbkdf2_hash_is_upgraded_to_argon2id_on_the_next_sign_in(client, production_hashers):
    person = PersonFactory()
    user = person.user
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt", iterations=1000)
    user.save(update_fields=["password"])

    assert _sign_in(client, user.email, "wrong-password").status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")  # a failed attempt changes nothing

    assert _sign_in(client, user.email).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert identify_hasher(user.password).algorithm == "argon2"
    client.logout()
    assert _sign_in(client, user.email).status_code == 302  # and the new hash signs in


def test_an_argon2_hash_with_old_parameters_is_rehashed(client, production_hashers):
    person = PersonFactory()
    user = person.user
    production_hashers.ARGON2_MEMORY_KIB = 2048
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    assert "m=2048" in user.password
    production_hashers.ARGON2_MEMORY_KIB = 1024
    assert _sign_in(client, user.email).status_code == 302
    user.refresh_from_db()
    assert "m=1024" in user.password
