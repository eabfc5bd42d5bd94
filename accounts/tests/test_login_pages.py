from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from notifications.models import Delivery, Kind
from profiles.tests.factories import PersonFactory, UserFactory

PASSWORD = "correct-horse-battery"
pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_page_has_the_labels_and_button_the_browser_tests_rely_on(client):
    html = client.get(reverse("account_login")).content.decode()
    assert '<label class="form-label" for="id_login">E-mail</label>' in html
    assert '<label class="form-label" for="id_password">Password</label>' in html
    assert ">Sign in</button>" in html
    assert html.count("<h1") == 1


def test_correct_password_signs_in_and_goes_home(client, person):
    response = _login(client, person.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(person.user.pk)


def test_wrong_password_says_so_plainly_and_keeps_the_email(client, person):
    response = _login(client, person.email, "not-my-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "not correct" in html
    assert 'role="alert"' in html
    assert f'value="{person.email}"' in html
    assert SESSION_KEY not in client.session


def _assert_the_lockout_page(response) -> None:
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many sign-in attempts" in html
    assert "Try again in 15 minutes" in html
    assert "Too many failed login attempts" not in html  # allauth's own wording never shows
    assert 'href="/accounts/password/reset/"' in html


def test_five_failed_attempts_lock_the_account_even_with_the_right_password(client, person):
    for attempt in range(4):
        response = _login(client, person.email, "wrong-password-x")
        assert response.status_code == 200, attempt
    # The fifth failure answers with the lockout page (django-axes).
    _assert_the_lockout_page(_login(client, person.email, "wrong-password-x"))
    attempt = AccessAttempt.objects.get()
    assert attempt.username == person.email  # counted per account, not under an empty name
    assert attempt.failures_since_start == 5

    # The sixth, right or wrong, meets allauth's own limit first (ACCOUNT_RATE_LIMITS, five per
    # account), and says the same thing on the same page.
    _assert_the_lockout_page(_login(client, person.email, "wrong-password-x"))
    _assert_the_lockout_page(_login(client, person.email, PASSWORD))
    assert SESSION_KEY not in client.session


def test_allauths_limit_alone_shows_the_same_lockout_page(client, person, settings):
    """With axes' limit set higher, allauth's per-account limit is the one that trips: same page."""
    settings.AXES_FAILURE_LIMIT = 50
    for _ in range(5):
        assert _login(client, person.email, "wrong-password-x").status_code == 200
    _assert_the_lockout_page(_login(client, person.email, "wrong-password-x"))


def test_lockout_of_one_account_does_not_lock_colleagues_on_the_same_network(client, person):
    colleague = PersonFactory()
    for _ in range(5):
        _login(client, person.email, "wrong-password-x")
    response = _login(Client(), colleague.email, PASSWORD)
    assert response.status_code == 302


def test_four_failures_then_success_resets_the_count(client, person):
    for _ in range(4):
        _login(client, person.email, "wrong-password-x")
    assert _login(client, person.email, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=person.email, failures_since_start__gte=1).exists()


def test_lockout_page_says_how_long_in_words():
    html = render_to_string("account/lockout.html", {"cooloff_timedelta": timedelta(minutes=15)})
    assert "Try again in 15 minutes" in html
    assert 'href="/accounts/password/reset/"' in html


def test_sign_up_is_closed_by_default_and_says_how_to_get_in(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign-up is by invitation" in html
    assert 'name="password1"' not in html


def test_sign_out_ends_the_session(client, person):
    client.force_login(person.user)
    assert client.get(reverse("account_logout")).status_code == 200  # the confirmation page
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_changing_the_password_signs_out_other_sessions_but_not_this_one(person):
    here, elsewhere = Client(), Client()
    assert _login(here, person.email, PASSWORD).status_code == 302
    assert _login(elsewhere, person.email, PASSWORD).status_code == 302
    profile = reverse("profiles:profile-edit")
    assert elsewhere.get(profile).status_code == 200

    response = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    assert here.get(profile).status_code == 200
    response = elsewhere.get(profile)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_password_change_page_rejects_a_weak_password_with_a_message(client, person):
    client.force_login(person.user)
    response = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": "12345", "password2": "12345"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    person.user.refresh_from_db()
    assert person.user.check_password(PASSWORD)


def test_password_reset_mails_a_link_and_the_link_sets_a_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="reset.me@example.gov")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("account_reset_password"), {"email": "reset.me@example.gov"})
    assert response.status_code == 302
    # The page answered without any SMTP call: the mail is a ledger row, sent after commit.
    assert not mail.outbox
    (row,) = Delivery.objects.filter(kind=Kind.ACCOUNT_MAIL, email="reset.me@example.gov")
    assert row.status == Delivery.Status.PENDING and "/password/reset/key/" not in row.payload  # sealed
    for callback in queued:
        callback()
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    link = next(word for word in mail.outbox[0].body.split() if "/password/reset/key/" in word)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    assert "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"password1": "another-long-passphrase", "password2": "another-long-passphrase"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase")


def test_a_bad_reset_link_says_it_no_longer_works(client):
    response = client.get("/accounts/password/reset/key/1-not-a-real-key/", follow=True)
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


@pytest.mark.parametrize("url", ["/accounts/email/", "/accounts/reauthenticate/"])
def test_allauth_pages_we_did_not_restyle_still_use_the_site_layout(client, person, url):
    client.force_login(person.user)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skip to main content" in html and 'aria-label="Main"' in html
    assert "<title>" in html and "· Mentorship</title>" in html
