"""The back office shows matching rows read-only; the decline e-mail reads well in both parts."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from matching import emails
from matching.models import MatchBan, MenteeChoice

pytestmark = pytest.mark.django_db


def test_admin_lists_and_shows_runs_without_letting_them_be_added(client, world, make_run):
    run = make_run(world)
    MatchBan.objects.create(cycle=world.cycle, mentor=world.mentors[0], mentee=world.mentees[0], reason="x")
    MenteeChoice.objects.create(cycle=world.cycle, mentee=world.mentees[0], mentor=world.mentors[1], rank=1)
    admin = User.objects.create_superuser(email="root@example.gov", password="correct-horse-battery")
    client.force_login(admin)
    for name in ("matchrun", "matchban", "menteechoice", "matchsettings"):
        assert client.get(reverse(f"admin:matching_{name}_changelist")).status_code == 200, name
    page = client.get(reverse("admin:matching_matchrun_change", args=[run.pk]))
    assert page.status_code == 200 and str(run.proposals.first().mentee) in page.content.decode()
    assert client.get(reverse("admin:matching_matchrun_add")).status_code == 403


def test_decline_email_names_the_mentor_the_note_and_the_way_back(world, django_capture_on_commit_callbacks):
    choice = MenteeChoice.objects.create(
        cycle=world.cycle, mentee=world.mentees[0], mentor=world.mentors[1], status="declined", note="Away in May"
    )
    with django_capture_on_commit_callbacks(execute=True):
        emails.mentee_choice_declined(choice)
    message = mail.outbox[0]
    assert message.to == [world.mentees[0].email]
    assert message.subject == f"{world.mentors[1].full_name} cannot take you as a mentee"
    assert "Away in May" in message.body and f"/matching/choose/{world.cycle.pk}/" in message.body
    assert "Away in May" in message.alternatives[0][0]
