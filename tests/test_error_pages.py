"""The project's own error pages, with DEBUG off as in production: the site's layout, a plain
explanation, a way back, and nothing of Django's bare pages or tracebacks."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from profiles.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

LAYOUT = 'class="navbar'  # the site's header
WAY_BACK = 'href="/">Go to your home page</a>'


def _assert_site_page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert LAYOUT in html and WAY_BACK in html and "<footer" in html
    assert heading in html
    assert "Traceback" not in html and "CSRF verification failed" not in html
    return html


@override_settings(DEBUG=False)
def test_404_for_a_signed_in_person_has_the_menu_and_a_way_home(client):
    person = PersonFactory()
    client.force_login(person.user)
    html = _assert_site_page(client.get("/programs/pairs/999999/"), 404, "We could not find that page")
    assert "Sign out" in html  # the account menu is there: the person is not stranded


@override_settings(DEBUG=False)
def test_404_for_anonymous_offers_sign_in(client):
    html = _assert_site_page(client.get("/no-such-page/"), 404, "We could not find that page")
    assert f'href="{reverse("account_login")}"' in html


@override_settings(DEBUG=False)
def test_403_says_why_in_the_sites_layout(client):
    client.force_login(PersonFactory().user)
    html = _assert_site_page(client.get("/test-errors/403/"), 403, "You are not allowed to see this page")
    assert "These pages are for program participants." in html


@override_settings(DEBUG=False)
def test_400_in_the_sites_layout(client):
    _assert_site_page(client.get("/test-errors/400/"), 400, "We could not understand that request")


@override_settings(DEBUG=False)
def test_500_is_plain_and_does_not_need_the_database_or_the_session():
    client = Client(raise_request_exception=False)
    client.force_login(PersonFactory().user)
    response = client.get("/test-errors/500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and WAY_BACK in html
    assert "a fault in the code" not in html and "Traceback" not in html
    assert "Sign out" not in html  # rendered without the request: no menu that reads the database


@override_settings(DEBUG=False)
def test_a_form_sent_without_its_token_gets_the_expired_form_page():
    client = Client(enforce_csrf_checks=True)
    person = PersonFactory()
    client.force_login(person.user)
    response = client.post(reverse("account_logout"))
    html = _assert_site_page(response, 403, "This form has expired")
    assert "reload the page" in html
    assert "Sign out" in html  # still signed in, the menu is there


@override_settings(DEBUG=False, ACCOUNT_RATE_LIMITS={"login": "2/m/ip", "login_failed": False})
def test_allauths_rate_limit_answers_with_the_sites_429_page(client):
    """allauth's per-network limit on the sign-in page uses handler429, not its own bare page."""
    for _ in range(2):
        client.post(reverse("account_login"), {"login": "someone@example.gov", "password": "x"})
    response = client.post(reverse("account_login"), {"login": "someone@example.gov", "password": "x"})
    html = _assert_site_page(response, 429, "Too many requests")
    assert "try again" in html
