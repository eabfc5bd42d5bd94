from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("profiles:profile-edit")


def _form(**overrides):
    data = {
        "title": "Budget analyst",
        "phone": "555-0100",
        "office_location": "Denver",
        "time_zone": "America/Denver",
        "prefers_video": "on",
        "bio": "I build budget models.",
        "willing_to_mentor": "on",
        "mentor_capacity": "2",
        "receives_nudges": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_owner_edits_their_profile(client, person):
    client.force_login(person.user)
    assert client.get(URL).status_code == 200
    response = client.post(URL, _form())
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.title, person.office_location, person.time_zone) == ("Budget analyst", "Denver", "America/Denver")
    assert person.meeting_formats == ["video"]
    assert person.willing_to_mentor and person.mentor_capacity == 2
    assert person.receives_nudges is False
    assert person.phone == "555-0100"
    assert '<option value="America/Denver" selected>America/Denver</option>' in client.get(URL).content.decode()


def test_profile_without_any_meeting_format_is_refused_and_keeps_typed_values(client, person):
    client.force_login(person.user)
    data = _form(prefers_video="")
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose at least one meeting format." in html
    assert 'value="Budget analyst"' in html
    person.refresh_from_db()
    assert person.title == "Analyst"


def test_willing_to_mentor_needs_a_capacity(client, person):
    client.force_login(person.user)
    response = client.post(URL, _form(mentor_capacity="0"))
    assert "say how many mentees you can take" in response.content.decode()


def test_profile_page_only_ever_edits_the_signed_in_person(client, person, other):
    client.force_login(other.user)
    client.post(URL, _form(title="Changed by other"))
    person.refresh_from_db()
    other.refresh_from_db()
    assert person.title == "Analyst"
    assert other.title == "Changed by other"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["coordinator", "hr_analyst"])
def test_a_login_without_a_record_is_told_why(client, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == reverse("profiles:no-profile")


def test_nav_shows_my_pages_to_participants_and_roster_pages_to_coordinators(client, person, coordinator):
    client.force_login(person.user)
    html = client.get(URL).content.decode()
    for label in ("My profile", "My plan", "Find expertise"):
        assert f">{label}</a>" in html
    assert ">People</a>" not in html
    client.force_login(coordinator)
    html = client.get(reverse("profiles:people")).content.decode()
    assert ">People</a>" in html and ">Skills</a>" in html
    assert ">My plan</a>" not in html
