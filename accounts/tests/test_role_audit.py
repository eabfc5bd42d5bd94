import pytest
from django.urls import reverse

from audit.models import AuditEntry
from audit.references import render
from profiles.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_granting_a_role_in_the_admin_is_audited(client, admin_user):
    user = UserFactory(email="casey@example.gov")
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("groups", "user_permissions", "password")}
    data.update({"email": user.email, "is_coordinator": "on", "is_active": "on", "date_joined_0": "2026-01-01",
                 "date_joined_1": "09:00:00", "last_login_0": "", "last_login_1": ""})
    for flag in ("is_hr_analyst", "is_staff", "is_superuser"):
        data.pop(flag, None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user.refresh_from_db()
    assert user.is_coordinator
    entry = AuditEntry.objects.get(action="user.roles")
    assert entry.actor == admin_user and render([entry.summary]) == ["casey@example.gov: coordinator=on"]


def test_saving_without_a_role_change_writes_no_entry(client, admin_user):
    user = UserFactory(first_name="Old")
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    client.post(url, {"email": user.email, "first_name": "New", "is_active": "on", "date_joined_0": "2026-01-01",
                      "date_joined_1": "09:00:00"})
    user.refresh_from_db()
    assert user.first_name == "New"
    assert not AuditEntry.objects.filter(action="user.roles").exists()
