"""Publishing a run: every pair or none, an audit entry, and e-mails only after the commit."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from matching.models import MatchProposal, MatchRun, MenteeChoice
from profiles.tests.factories import PersonFactory
from programs.models import Mentorship
from programs.tests.factories import MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world, make_run):
    return make_run(world)


def test_publishing_creates_the_pairs_records_it_and_tells_both_people_after_commit(
    client, world, run, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    assert "Publish 3 pairs" in client.get(reverse("matching:run-publish", args=[run.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("matching:run-publish", args=[run.pk]))
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    run.refresh_from_db()
    assert run.publish_state == "queued" and not Mentorship.objects.exists()
    assert client.get(reverse("matching:run-status", args=[run.pk])).json()["finished"] is False
    # The task runs (in-process here); its pairs' notices wait for the commit.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued[0]()
    pairs = set(Mentorship.objects.filter(cycle=world.cycle).values_list("mentor_id", "mentee_id", "source"))
    assert pairs == {(p.mentor_id, p.mentee_id, "matching") for p in run.proposals.all()}
    run.refresh_from_db()
    assert run.published_at and run.published_by == world.coordinator
    entry = AuditEntry.objects.get(action="matching.publish")
    assert entry.target_id == str(run.pk) and len(entry.data["mentorships"]) == 3
    assert mail.outbox == []  # nobody hears anything before the commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    recipients = sorted(address for m in mail.outbox for address in m.to)
    expected = sorted(p.email for pr in run.proposals.all() for p in (pr.mentor, pr.mentee))
    assert recipients == expected


def test_a_pair_that_breaks_a_rule_now_rolls_back_every_pair(client, world, run, django_capture_on_commit_callbacks):
    # After the run, a coordinator paired one of the proposed mentees by hand.
    proposal = run.proposals.order_by("pk").last()
    MentorshipFactory(cycle=world.cycle, mentor=PersonFactory(first_name="Handpicked"), mentee=proposal.mentee)
    before = Mentorship.objects.count()
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("matching:run-publish", args=[run.pk]))
    html = client.get(run.get_absolute_url()).content.decode()
    assert "Publishing was refused." in html
    assert "Nothing was published: 1 pair(s) break a rule now." in html
    assert f"{proposal.mentee} already has an active mentor this cycle" in html
    assert Mentorship.objects.count() == before
    assert len(callbacks) == 1 and mail.outbox == []  # only the task's own queueing
    run.refresh_from_db()
    assert run.published_at is None and run.publish_state == "failed" and run.is_editable
    assert not AuditEntry.objects.filter(action="matching.publish").exists()


def test_a_published_run_cannot_be_published_again(client, world, run, django_capture_on_commit_callbacks):
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:run-publish", args=[run.pk]))
    count = Mentorship.objects.count()
    response = client.post(reverse("matching:run-publish", args=[run.pk]), follow=True)
    assert "This run is already published." in response.content.decode()
    assert Mentorship.objects.count() == count


def test_pairs_that_existed_before_the_run_are_left_as_they_are(client, world, make_run, django_capture_on_commit_callbacks):
    existing = MentorshipFactory(cycle=world.cycle, mentor=world.mentors[1], mentee=world.mentees[1])
    run = make_run(world)
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:run-publish", args=[run.pk]))
    assert Mentorship.objects.filter(mentee=world.mentees[1]).get() == existing
    assert Mentorship.objects.filter(cycle=world.cycle).count() == run.proposals.count()


def test_rejected_pairs_are_not_published_and_chosen_mentors_are_marked_as_choice(
    client, world, run, django_capture_on_commit_callbacks
):
    rejected = run.proposals.order_by("pk").first()
    MatchProposal.objects.filter(pk=rejected.pk).update(status=MatchProposal.Status.REJECTED)
    chosen = run.proposals.order_by("pk").last()
    MenteeChoice.objects.create(cycle=world.cycle, mentee=chosen.mentee, mentor=chosen.mentor, rank=1)
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:run-publish", args=[run.pk]))
    assert not Mentorship.objects.filter(mentee=rejected.mentee).exists()
    assert Mentorship.objects.get(mentee=chosen.mentee).source == Mentorship.Source.CHOICE


def test_an_unfinished_run_cannot_be_published(client, world):
    run = MatchRun.objects.create(cycle=world.cycle, status=MatchRun.Status.RUNNING)
    client.force_login(world.coordinator)
    assert "has not finished" in client.get(reverse("matching:run-publish", args=[run.pk])).content.decode()
    response = client.post(reverse("matching:run-publish", args=[run.pk]), follow=True)
    assert "Only a finished run can be published." in response.content.decode()


def test_a_run_being_published_cannot_be_changed_or_published_twice(client, world, run):
    MatchRun.objects.filter(pk=run.pk).update(publish_state=MatchRun.Publishing.QUEUED)
    proposal = run.proposals.first()
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:proposal-reject", args=[run.pk, proposal.pk]), follow=True)
    assert "This run is being published; wait for it to finish." in response.content.decode()
    response = client.post(reverse("matching:run-publish", args=[run.pk]), follow=True)
    assert "This run is already being published." in response.content.decode()
    assert MatchProposal.objects.get(pk=proposal.pk).status == MatchProposal.Status.PROPOSED
    assert "Refresh" in response.content.decode()
