import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_health_reports_database_ok_and_broker_not_configured(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "not configured"}}


@pytest.mark.django_db
def test_health_reports_unreachable_broker_as_unhealthy(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
