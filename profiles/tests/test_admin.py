from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from profiles.tests.factories import DevelopmentGoalFactory, PersonSkillFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "accounts/user",
    "accounts/invitation",
    "profiles/person",
    "profiles/department",
    "profiles/skill",
    "profiles/skillcategory",
    "profiles/personskill",
    "profiles/developmentgoal",
    "profiles/goalprogressnote",
]


@pytest.fixture
def admin_client_with_data(client):
    admin = User.objects.create_superuser(email="root@example.gov", password="x-long-admin-password")
    PersonSkillFactory()
    DevelopmentGoalFactory()
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_and_searches_every_model(admin_client_with_data, model):
    url = f"/admin/{model}/"
    assert admin_client_with_data.get(url).status_code == 200
    assert admin_client_with_data.get(url, {"q": "example"}).status_code == 200


def test_admin_adds_a_user_by_email_with_roles(admin_client_with_data):
    response = admin_client_with_data.post(
        reverse("admin:accounts_user_add"),
        {"email": "new.coordinator@example.gov", "password1": "a-good-long-passphrase", "password2": "a-good-long-passphrase",
         "is_coordinator": "on", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(email="new.coordinator@example.gov").is_coordinator


def test_admin_person_change_page_uses_autocomplete(admin_client_with_data):
    from profiles.models import Person

    person = Person.objects.first()
    html = admin_client_with_data.get(reverse("admin:profiles_person_change", args=[person.pk])).content.decode()
    assert "admin-autocomplete" in html
