from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from profiles.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "lanterns-over-the-river"


@pytest.fixture
def newcomer(db):
    return PersonFactory(user=None, email="Pat.Newcomer@example.gov", first_name="Pat")


def _invite_people(client, *people):
    return client.post(reverse("profiles:invite"), {"person": [p.pk for p in people]}, follow=True)


def _token_from_mail(message) -> str:
    match = re.search(r"/account/invitation/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def test_coordinator_invites_a_roster_person_and_only_a_hash_is_stored(client, coordinator, newcomer, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite_people(client, newcomer)
    assert "Invitation sent to 1 person." in response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.email == "pat.newcomer@example.gov"
    assert invitation.invited_by == coordinator
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat.newcomer@example.gov"]
    assert "Hello Pat" in message.body
    token = _token_from_mail(message)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not Invitation.objects.filter(token_hash=token).exists()
    html = message.alternatives[0][0]
    assert token in html


@pytest.mark.parametrize("who", ["participant", "hr"])
def test_participants_and_hr_cannot_invite(client, who, person, hr_analyst, newcomer):
    client.force_login(person.user if who == "participant" else hr_analyst)
    assert client.post(reverse("profiles:invite"), {"person": [newcomer.pk]}).status_code == 403
    assert client.get(reverse("profiles:invite")).status_code == 403
    assert not Invitation.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, newcomer):
    response = client.post(reverse("profiles:invite"), {"person": [newcomer.pk]})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Invitation.objects.exists()


def test_people_who_already_have_a_login_are_not_invited(client, coordinator, person):
    client.force_login(coordinator)
    response = _invite_people(client, person)
    assert "Select at least one person who has no login yet." in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_by_email_accepts_roster_addresses_in_any_case(client, coordinator, newcomer, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("profiles:invite"), {"emails": "PAT.NEWCOMER@example.gov\n"})
    assert response.status_code == 302
    assert Invitation.objects.filter(email="pat.newcomer@example.gov").exists()
    assert len(mail.outbox) == 1


def test_invite_by_email_refuses_addresses_off_the_roster_and_keeps_what_was_typed(client, coordinator, newcomer):
    client.force_login(coordinator)
    typed = "pat.newcomer@example.gov\nstranger@elsewhere.com"
    response = client.post(reverse("profiles:invite"), {"emails": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not on the staff roster, or already able to sign in: stranger@elsewhere.com." in html
    assert "stranger@elsewhere.com</textarea>" in html
    assert not Invitation.objects.exists()


def test_invite_by_email_explains_a_malformed_address(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("profiles:invite"), {"emails": "not an address"})
    assert "Not an e-mail address: not an address." in response.content.decode()


def test_reinviting_replaces_the_old_link(client, coordinator, newcomer, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _invite_people(client, newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        _invite_people(client, newcomer)
    assert Invitation.objects.count() == 1
    old, new = (_token_from_mail(m) for m in mail.outbox)
    client.logout()
    response = client.get(reverse("accounts:invitation-accept", args=[old]))
    assert response.status_code == 410
    assert "replaced by a newer invitation" in response.content.decode()
    assert client.get(reverse("accounts:invitation-accept", args=[new])).status_code == 200


def _send(coordinator, email: str, django_capture_on_commit_callbacks) -> str:
    from accounts.services import invitation_send

    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(email=email, invited_by=coordinator)
    return _token_from_mail(mail.outbox[-1])


def test_accepting_sets_the_password_links_the_person_and_signs_in(client, coordinator, newcomer, django_capture_on_commit_callbacks):
    token = _send(coordinator, newcomer.email, django_capture_on_commit_callbacks)
    url = reverse("accounts:invitation-accept", args=[token])
    page = client.get(url).content.decode()
    assert "pat.newcomer@example.gov" in page
    assert 'autocomplete="new-password"' in page

    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="pat.newcomer@example.gov")
    assert user.check_password(NEW_PASSWORD)
    assert client.session[SESSION_KEY] == str(user.pk)
    newcomer.refresh_from_db()
    assert newcomer.user == user
    assert user.first_name == "Pat"
    assert EmailAddress.objects.get(user=user).verified
    assert Invitation.objects.get().accepted_at is not None
    # The new login lands on a page made for people with a record.
    assert client.get(reverse("profiles:profile-edit")).status_code == 200


def test_a_weak_or_mismatched_password_is_refused_with_reasons(client, coordinator, newcomer, django_capture_on_commit_callbacks):
    token = _send(coordinator, newcomer.email, django_capture_on_commit_callbacks)
    url = reverse("accounts:invitation-accept", args=[token])
    html = client.post(url, {"password1": "password", "password2": "password"}).content.decode()
    assert "too short" in html and "too common" in html
    html = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}).content.decode()
    assert "The two passwords are different." in html
    html = client.post(url, {"password1": "pat.newcomer1", "password2": "pat.newcomer1"}).content.decode()
    assert "too similar" in html
    assert not User.objects.filter(email="pat.newcomer@example.gov").exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_used_link_says_so_and_changes_nothing(client, coordinator, newcomer, django_capture_on_commit_callbacks):
    token = _send(coordinator, newcomer.email, django_capture_on_commit_callbacks)
    url = reverse("accounts:invitation-accept", args=[token])
    client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    response = client.post(url, {"password1": "other-long-passphrase", "password2": "other-long-passphrase"})
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert User.objects.get(email="pat.newcomer@example.gov").check_password(NEW_PASSWORD)


def test_an_expired_link_says_so(client, coordinator, newcomer, django_capture_on_commit_callbacks):
    token = _send(coordinator, newcomer.email, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(
        reverse("accounts:invitation-accept", args=[token]), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 410
    assert "This invitation has expired." in response.content.decode()
    assert not User.objects.filter(email="pat.newcomer@example.gov").exists()


def test_an_unknown_link_says_so(client):
    response = client.get(reverse("accounts:invitation-accept", args=["made-up-token"]))
    assert response.status_code == 410
    assert "This invitation link is not valid." in response.content.decode()


def test_people_list_shows_pending_invitations(client, coordinator, newcomer, django_capture_on_commit_callbacks):
    _send(coordinator, newcomer.email, django_capture_on_commit_callbacks)
    client.force_login(coordinator)
    html = client.get(reverse("profiles:people")).content.decode()
    assert f"Invited {timezone.localdate():%-d %b %Y}" in html
