import pytest
from django.urls import reverse

from profiles.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_people_cannot_add_or_switch_their_login_address(client):
    user = UserFactory(email="ana@example.gov")
    client.force_login(user)
    url = reverse("account_email")
    assert url == "/accounts/email/"
    page = client.get(url)
    assert page.status_code == 200 and b"HR roster" in page.content
    client.post(url, {"action_add": "", "email": "colleague@example.gov"})
    user.refresh_from_db()
    assert user.email == "ana@example.gov"
    from allauth.account.models import EmailAddress

    assert not EmailAddress.objects.filter(email="colleague@example.gov").exists()


def test_the_email_page_needs_a_login(client):
    assert client.get(reverse("account_email")).status_code == 302
