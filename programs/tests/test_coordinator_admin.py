"""The programs back office: every list and change page loads, and private meeting notes never show."""

import pytest
from django.urls import reverse

from accounts.models import User
from programs.models import Agreement, HelpReply, HelpRequest, MeetingRequest, PairFlag
from programs.tests.factories import EnrollmentFactory, EventFactory, MeetingFactory, RSVPFactory

pytestmark = pytest.mark.django_db

SECRET = "Talked about the reorganisation in confidence"


@pytest.fixture
def objects():
    meeting = MeetingFactory(private_notes=SECRET)
    pair = meeting.mentorship
    event = EventFactory(cycle=pair.cycle)
    return {
        "program": pair.cycle.program,
        "cycle": pair.cycle,
        "event": event,
        "rsvp": RSVPFactory(event=event),
        "enrollment": EnrollmentFactory(cycle=pair.cycle),
        "mentorship": pair,
        "agreement": Agreement.objects.create(mentorship=pair),
        "meeting": meeting,
        "helprequest": HelpRequest.objects.create(mentorship=pair, requested_by=pair.mentee, kind="help", message="?"),
        "pairflag": PairFlag.objects.create(mentorship=pair, reason="low_score"),
        "meetingrequest": MeetingRequest.objects.create(
            mentorship=pair, proposed_by=pair.mentee, starts_at=meeting.scheduled_at, meeting=meeting
        ),
    }


def test_a_help_request_shows_its_replies_read_only(admin_client, objects):
    HelpReply.objects.create(help_request=objects["helprequest"], text="Spoke to both on Monday.")
    response = admin_client.get(reverse("admin:programs_helprequest_change", args=[objects["helprequest"].pk]))
    text = response.content.decode()
    assert "Spoke to both on Monday." in text and 'name="replies-0-text"' not in text


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser(email="root@example.gov", password="correct-horse-battery"))
    return client


@pytest.mark.parametrize(
    "model",
    [
        "program", "cycle", "event", "rsvp", "enrollment", "mentorship", "agreement", "meeting", "helprequest",
        "pairflag", "meetingrequest",
    ],
)
def test_every_programs_model_has_a_working_list_and_change_page(admin_client, objects, model):
    changelist = admin_client.get(reverse(f"admin:programs_{model}_changelist"))
    assert changelist.status_code == 200
    change = admin_client.get(reverse(f"admin:programs_{model}_change", args=[objects[model].pk]))
    assert change.status_code == 200
    assert SECRET not in changelist.content.decode() + change.content.decode()


def test_the_pair_page_lists_meetings_read_only(admin_client, objects):
    response = admin_client.get(reverse("admin:programs_mentorship_change", args=[objects["mentorship"].pk]))
    text = response.content.decode()
    assert "Meetings" in text
    assert 'name="meetings-0-status"' not in text  # read-only inline: no inputs


def test_view_on_site_of_a_program_leads_to_its_section_of_the_coordinator_home(admin_client, objects):
    program = objects["program"]
    assert program.get_absolute_url() == reverse("programs:coordinator-home") + f"#program-{program.pk}"
    assert admin_client.get(program.get_absolute_url()).status_code == 200
