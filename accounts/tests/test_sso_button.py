from __future__ import annotations

import importlib

import pytest
from django.urls import clear_url_caches, reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def oidc_configured(settings):
    """What SSO_PROVIDERS=openid_connect and SOCIALACCOUNT_PROVIDERS do at start-up (docs/sso.md)."""
    import allauth.socialaccount.urls
    import allauth.urls
    from allauth.socialaccount.providers import registry

    import mentorship.urls

    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "allauth.socialaccount.providers.openid_connect"]
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "agency",
                    "name": "Agency account",
                    "client_id": "client",
                    "secret": "secret",
                    "settings": {"server_url": "https://login.agency.example/"},
                }
            ]
        }
    }
    # allauth finds providers once, and builds its URL patterns when its urls module loads.
    registry.loaded = False
    for module in (allauth.socialaccount.urls, allauth.urls, mentorship.urls):
        importlib.reload(module)
    clear_url_caches()
    yield
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if not a.endswith("openid_connect")]
    registry.loaded = False
    registry.provider_map.clear()
    for module in (allauth.socialaccount.urls, allauth.urls, mentorship.urls):
        importlib.reload(module)
    clear_url_caches()


def test_login_page_offers_the_configured_identity_provider(client, oidc_configured):
    html = client.get(reverse("account_login")).content.decode()
    assert "Sign in with Agency account" in html
    assert 'action="/accounts/oidc/agency/login/' in html
    # Passwords still work alongside SSO.
    assert 'name="password"' in html


def test_login_page_without_sso_shows_no_provider_section(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "With your department account" not in html
