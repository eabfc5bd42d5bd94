"""SSO without an identity provider: the adapter hook and the signal receivers are called the
way allauth calls them, with a stand-in for allauth's SocialLogin."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_logged_in
from django.test import RequestFactory

from accounts.adapters import SocialAccountAdapter
from accounts.models import User
from profiles.models import Person
from profiles.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class Address:
    email: str
    verified: bool = True


@dataclass
class FakeSocialLogin:
    user: User
    email_addresses: list[Address] = field(default_factory=list)
    is_existing: bool = False
    connected_to: User | None = None

    def connect(self, request: object, user: User) -> None:
        self.connected_to = user


def test_first_sso_login_attaches_to_an_existing_login_with_that_email():
    existing = UserFactory(email="sam.lee@example.gov")
    sociallogin = FakeSocialLogin(user=User(email="Sam.Lee@Example.gov"), email_addresses=[Address("Sam.Lee@Example.gov")])
    SocialAccountAdapter().pre_social_login(RequestFactory().get("/"), sociallogin)
    assert sociallogin.connected_to == existing


def test_sso_login_for_a_new_address_creates_a_new_login_as_usual():
    UserFactory(email="someone.else@example.gov")
    sociallogin = FakeSocialLogin(user=User(email="new.hire@example.gov"))
    SocialAccountAdapter().pre_social_login(RequestFactory().get("/"), sociallogin)
    assert sociallogin.connected_to is None


def test_a_returning_sso_login_is_left_alone():
    UserFactory(email="sam.lee@example.gov")
    sociallogin = FakeSocialLogin(user=User(email="sam.lee@example.gov"), is_existing=True)
    SocialAccountAdapter().pre_social_login(RequestFactory().get("/"), sociallogin)
    assert sociallogin.connected_to is None


def test_sso_login_links_the_roster_person_with_the_same_email():
    person = PersonFactory(user=None, email="Dana.Ruiz@example.gov", first_name="Dana", last_name="Ruiz")
    user = User.objects.create_user(email="dana.ruiz@example.gov")  # as allauth's SSO sign-up makes it
    sociallogin = FakeSocialLogin(user=user)
    user_logged_in.send(sender=User, request=RequestFactory().get("/"), user=user, sociallogin=sociallogin)
    person.refresh_from_db()
    assert person.user == user
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Dana", "Ruiz")


def test_password_login_does_not_link_by_email():
    person = PersonFactory(user=None, email="kim.ortiz@example.gov")
    user = UserFactory(email="kim.ortiz@example.gov")
    user_logged_in.send(sender=User, request=RequestFactory().get("/"), user=user)
    person.refresh_from_db()
    assert person.user is None


def test_sso_login_never_takes_a_person_already_linked_to_another_login():
    # The person changed address in HR, their login kept the old one.
    owner = PersonFactory(email="shared@example.gov", user=UserFactory(email="old.address@example.gov"))
    newcomer = User.objects.create_user(email="shared@example.gov")
    user_logged_in.send(sender=User, request=None, user=newcomer, sociallogin=FakeSocialLogin(user=newcomer))
    owner.refresh_from_db()
    assert owner.user.email == "old.address@example.gov"
    assert not Person.objects.filter(user=newcomer).exists()


def test_confirming_the_login_email_links_the_person():
    person = PersonFactory(user=None, email="lee.park@example.gov")
    user = UserFactory(email="lee.park@example.gov")
    address = EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    person.refresh_from_db()
    assert person.user == user


def test_connecting_sso_while_signed_in_is_not_redirected_to_another_login():
    UserFactory(email="sam.lee@example.gov")
    sociallogin = FakeSocialLogin(user=User(email="sam.lee@example.gov"))
    sociallogin.state = {"process": "connect"}
    SocialAccountAdapter().pre_social_login(RequestFactory().get("/"), sociallogin)
    assert sociallogin.connected_to is None
