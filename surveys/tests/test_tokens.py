"""The e-mailed link works without a password, once, for its own person, while the survey is open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.tests.factories import PersonFactory
from surveys.models import Invitation, Response
from surveys.tests.conftest import token_url, valid_post
from surveys.tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def test_link_opens_the_survey_without_signing_in(client, invitation):
    response = client.get(token_url(invitation))
    assert response.status_code == 200
    assert "Midpoint check-in" in response.content.decode()


def test_database_holds_only_a_hash_of_the_token(invitation):
    stored = Invitation.objects.filter(pk=invitation.pk).values()[0]
    assert invitation.token not in {str(v) for v in stored.values()}
    assert stored["token_hash"] != invitation.token


def test_made_up_token_is_not_found(client, db):
    response = client.get(reverse("surveys:answer-token", args=["0" * 64]))
    assert response.status_code == 404
    assert "Link not recognised" in response.content.decode()


def test_used_token_says_so_plainly_and_records_nothing_more(client, invitation):
    assert client.post(token_url(invitation), valid_post(invitation.survey)).status_code == 302

    again = client.get(token_url(invitation))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    resubmit = client.post(token_url(invitation), valid_post(invitation.survey))
    assert resubmit.status_code == 410
    assert Response.objects.count() == 1


def test_closed_survey_says_so_and_saves_nothing(client, invitation):
    survey = invitation.survey
    survey.opens_on = timezone.localdate() - timedelta(days=20)
    survey.closes_on = timezone.localdate() - timedelta(days=1)
    survey.save()

    page = client.get(token_url(invitation))
    assert page.status_code == 410
    assert "closed on" in page.content.decode()
    post = client.post(token_url(invitation), valid_post(survey))
    assert post.status_code == 410
    assert not Response.objects.exists()
    invitation.refresh_from_db()
    assert invitation.used is False


def test_signed_in_person_cannot_use_another_persons_token(client, invitation):
    someone_else = PersonFactory()
    client.force_login(someone_else.user)

    page = client.get(token_url(invitation))
    assert page.status_code == 403
    assert "sent to someone else" in page.content.decode()
    assert "Midpoint check-in" not in page.content.decode()
    client.post(token_url(invitation), valid_post(invitation.survey))
    assert not Response.objects.exists()


def test_signed_in_invitee_may_use_their_own_link(client, invitation):
    client.force_login(invitation.person.user)
    assert client.get(token_url(invitation)).status_code == 200


def test_my_surveys_lists_open_invitations_and_opens_them_signed_in(client, invitation):
    client.force_login(invitation.person.user)
    page = client.get(reverse("surveys:my-surveys"))
    assert "Midpoint check-in" in page.content.decode()

    url = reverse("surveys:answer-mine", args=[invitation.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, valid_post(invitation.survey)).status_code == 302
    assert "Midpoint check-in" not in client.get(reverse("surveys:my-surveys")).content.decode()


def test_another_participant_gets_404_for_someone_elses_invitation(client, invitation):
    other = InvitationFactory(survey=invitation.survey)
    client.force_login(other.person.user)
    assert client.get(reverse("surveys:answer-mine", args=[invitation.pk])).status_code == 404


def test_anonymous_visitor_is_sent_to_login_for_my_surveys(client, invitation):
    response = client.get(reverse("surveys:answer-mine", args=[invitation.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_coordinator_without_a_person_record_cannot_use_a_participants_link(client, invitation, coordinator):
    client.force_login(coordinator)
    assert client.get(token_url(invitation)).status_code == 403
