"""Headers, Content-Security-Policy and session limits, checked through real requests."""

import time

import pytest
from django.urls import reverse

from accounts.middleware import LAST_SEEN_KEY, SIGNED_IN_KEY
from profiles.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_page_sends_a_strict_csp_and_the_usual_headers(client):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_settings_send_hsts_and_secure_cookies(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("account_login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    plain = client.get(reverse("account_login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")


def _signed_in_client(client, **session_values):
    user = UserFactory()
    client.force_login(user)
    session = client.session
    for key, value in session_values.items():
        session[key] = value
    session.save()
    return user


def test_an_idle_session_is_signed_out(client, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
    now = int(time.time())
    _signed_in_client(client, **{LAST_SEEN_KEY: now - 31 * 60, SIGNED_IN_KEY: now - 40 * 60})
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert "_auth_user_id" not in client.session


def test_an_active_session_stays_signed_in(client):
    now = int(time.time())
    _signed_in_client(client, **{LAST_SEEN_KEY: now - 60, SIGNED_IN_KEY: now - 3600})
    client.get(reverse("home"))
    assert "_auth_user_id" in client.session


def test_a_busy_session_still_ends_at_the_absolute_limit(client, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 8 * 3600
    now = int(time.time())
    _signed_in_client(client, **{LAST_SEEN_KEY: now - 10, SIGNED_IN_KEY: now - 9 * 3600})
    client.get(reverse("home"))
    assert "_auth_user_id" not in client.session


def test_each_request_is_logged_as_one_structured_line(client, caplog):
    user = _signed_in_client(client)
    with caplog.at_level("INFO", logger="mentorship.requests"):
        client.get(reverse("health"))
    records = [r for r in caplog.records if r.name == "mentorship.requests"]
    assert len(records) == 1
    record = records[0]
    assert (record.path, record.status, record.user_id) == ("/health/", 200, user.pk)
    assert record.duration_ms >= 0


def test_secret_tokens_in_urls_never_reach_the_request_log(client, caplog):
    token = "a1b2c3d4e5f6deadbeef"
    with caplog.at_level("INFO", logger="mentorship.requests"):
        client.get(reverse("surveys:answer-token", args=[token]))
    (record,) = [r for r in caplog.records if r.name == "mentorship.requests"]
    assert token not in record.path and record.path == "/surveys/r/[token]/"
