from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import signals
from programs.models import RSVP, Event
from programs.tests.coordinator_world import make_world
from programs.tests.factories import EventFactory, RSVPFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    world = make_world()
    client.force_login(world.coordinator)
    return world


@pytest.fixture
def heard():
    """Records every event signal sent, by name."""
    received: list[tuple[str, int, object]] = []
    receivers = {}
    for name in ("event_scheduled", "event_changed", "event_cancelled"):
        def listener(sender, event, changes=None, _name=name, **kwargs):
            received.append((_name, event.pk, changes))
        receivers[name] = listener
        getattr(signals, name).connect(listener)
    yield received
    for name, listener in receivers.items():
        getattr(signals, name).disconnect(listener)


def _form(**changes) -> dict:
    start = timezone.localtime() + timedelta(days=20)
    data = {
        "kind": "social",
        "title": "Summer social",
        "starts_at": start.strftime("%Y-%m-%dT18:00"),
        "ends_at": start.strftime("%Y-%m-%dT20:00"),
        "location": "Roof terrace",
        "guests_per_person": "1",
    }
    return {**data, **changes}


def test_scheduling_a_program_social_open_to_alumni(client, world, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programs:event-create", args=[world.program.slug]), _form(open_to_alumni="on", capacity="40")
        )
    assert response.status_code == 302
    event = Event.objects.get(title="Summer social")
    assert event.program == world.program and event.cycle is None and event.open_to_alumni
    assert event.capacity == 40 and event.guests_per_person == 1
    assert heard == [("event_scheduled", event.pk, None)]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"ends_at": "2020-01-01T09:00"}, "ends_at"),
        ({"starts_at": "2026-02-30T10:00"}, "starts_at"),
        ({"location": "", "video_url": ""}, "location"),
        ({"kind": "kickoff"}, "cycle"),
        ({"guests_per_person": "9"}, "guests_per_person"),
    ],
)
def test_bad_event_input_is_a_form_error(client, world, changes, field):
    response = client.post(reverse("programs:event-create", args=[world.program.slug]), _form(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Event.objects.exists()


def test_changing_the_place_bumps_the_sequence_and_lists_the_change(client, world, heard,
                                                                    django_capture_on_commit_callbacks):
    event = EventFactory(cycle=world.cycle, location="Room 1")
    RSVPFactory(event=event)
    data = _form(
        title=event.title,
        cycle=str(world.cycle.pk),
        starts_at=timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        ends_at=timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        location="Room 2",
        guests_per_person="0",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:event-edit", args=[event.pk]), data, follow=True)
    event.refresh_from_db()
    assert event.location == "Room 2" and event.sequence == 1
    assert heard == [("event_changed", event.pk, ["place: Room 1 → Room 2"])]
    assert "Everyone who replied is told: place: Room 1 → Room 2." in response.content.decode()


def test_editing_only_the_description_changes_no_sequence_and_sends_nothing(client, world, heard,
                                                                           django_capture_on_commit_callbacks):
    event = EventFactory(cycle=world.cycle)
    data = _form(
        title=event.title, cycle=str(world.cycle.pk), description="Bring a mug",
        starts_at=timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        ends_at=timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        location=event.location, guests_per_person="0",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("programs:event-edit", args=[event.pk]), data)
    event.refresh_from_db()
    assert event.description == "Bring a mug" and event.sequence == 0
    assert heard == []


def test_cancelling_sends_event_cancelled_once(client, world, heard, django_capture_on_commit_callbacks):
    event = EventFactory(cycle=world.cycle)
    url = reverse("programs:event-cancel", args=[event.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Building closed"})
        client.post(url, {"reason": "again"})
    event.refresh_from_db()
    assert event.is_cancelled
    assert heard == [("event_cancelled", event.pk, None)]
    assert client.get(reverse("programs:event-edit", args=[event.pk])).status_code == 302


def test_attendance_is_saved_in_one_post_for_people_going(client, world):
    event = EventFactory(cycle=world.cycle, starts_at=timezone.now() - timedelta(hours=3))
    came, missed = RSVPFactory(event=event), RSVPFactory(event=event)
    waiting = RSVPFactory(event=event, status=RSVP.Status.WAITLIST)
    response = client.post(
        reverse("programs:event-rsvps", args=[event.pk]), {"attended": [came.person_id, waiting.person_id]}
    )
    assert response.status_code == 302
    came.refresh_from_db()
    missed.refresh_from_db()
    waiting.refresh_from_db()
    assert (came.attended, missed.attended, waiting.attended) == (True, False, None)


def test_a_garbled_attendance_sheet_saves_nothing(client, world):
    event = EventFactory(cycle=world.cycle)
    rsvp = RSVPFactory(event=event)
    response = client.post(reverse("programs:event-rsvps", args=[event.pk]), {"attended": ["x"]}, follow=True)
    assert "nothing was saved" in response.content.decode()
    rsvp.refresh_from_db()
    assert rsvp.attended is None


def test_reply_list_groups_going_waitlist_and_not_going(client, world, django_assert_max_num_queries):
    event = EventFactory(cycle=world.cycle, capacity=3)
    RSVPFactory(event=event, guests=1)
    RSVPFactory(event=event, status=RSVP.Status.WAITLIST)
    RSVPFactory.create_batch(20, event=event, status=RSVP.Status.NOT_GOING)
    url = reverse("programs:event-rsvps", args=[event.pk])
    client.get(url)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert len(response.context["going"]) == 1 and len(response.context["waitlist"]) == 1
    assert len(response.context["not_going"]) == 20
    assert response.context["seats_taken"] == 2


def test_program_events_list_counts_replies_with_fixed_queries(client, world, django_assert_max_num_queries):
    url = reverse("programs:program-events", args=[world.program.slug])
    client.get(url)
    for event in EventFactory.create_batch(3, cycle=world.cycle):
        RSVPFactory.create_batch(2, event=event)
    with django_assert_max_num_queries(8):
        client.get(url)
    for event in EventFactory.create_batch(20, cycle=world.cycle):
        RSVPFactory.create_batch(2, event=event)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert len(response.context["events"]) == 23
    assert all(e.going == 2 for e in response.context["events"])
