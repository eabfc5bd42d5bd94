import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from profiles.tests.factories import CoordinatorFactory, HRAnalystFactory, PersonFactory
from programs.models import RSVP, Enrollment, Event
from programs.services.rsvps import rsvp_respond, seats_taken
from programs.signals import rsvp_promoted
from programs.tests.factories import (
    CycleFactory,
    EnrollmentFactory,
    EventFactory,
    MentorshipFactory,
    ProgramFactory,
    RSVPFactory,
)

pytestmark = pytest.mark.django_db
LIST = reverse("programs:event-list")


def detail(event) -> str:
    return reverse("programs:event-detail", args=[event.pk])


def rsvp_url(event) -> str:
    return reverse("programs:event-rsvp", args=[event.pk])


def participant(cycle):
    """Someone with an approved application in the cycle: allowed to come to its events."""
    return EnrollmentFactory(cycle=cycle, status=Enrollment.Status.APPROVED).person


# --- Who may see and answer ------------------------------------------------------------------
def test_anonymous_is_sent_to_login():
    from django.test import Client

    client = Client()
    event = EventFactory()
    assert client.get(LIST).status_code == 302
    assert client.get(detail(event)).status_code == 302
    assert client.post(rsvp_url(event), {"response": "going"}).status_code == 302
    assert not RSVP.objects.exists()


def test_events_of_my_cycle_are_listed_and_others_are_404(client):
    cycle = CycleFactory()
    me = participant(cycle)
    mine = EventFactory(cycle=cycle, title="Our kickoff")
    theirs = EventFactory(title="Their kickoff")
    client.force_login(me.user)

    body = client.get(LIST).content.decode()
    assert "Our kickoff" in body and "Their kickoff" not in body
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(theirs)).status_code == 404
    assert client.post(rsvp_url(theirs), {"response": "going"}).status_code == 404
    assert not RSVP.objects.exists()


def test_a_pending_application_does_not_open_the_events(client):
    cycle = CycleFactory()
    me = EnrollmentFactory(cycle=cycle, status=Enrollment.Status.PENDING).person
    event = EventFactory(cycle=cycle)
    client.force_login(me.user)
    assert client.get(detail(event)).status_code == 404


def test_a_pair_in_the_cycle_opens_its_events(client):
    pair = MentorshipFactory()
    event = EventFactory(cycle=pair.cycle)
    client.force_login(pair.mentor.user)
    assert client.get(detail(event)).status_code == 200


def test_alumni_may_come_to_events_open_to_alumni_only(client):
    program = ProgramFactory()
    earlier = CycleFactory(
        program=program,
        starts_on=timezone.localdate() - timedelta(days=400),
        ends_on=timezone.localdate() - timedelta(days=200),
    )
    alumnus = MentorshipFactory(cycle=earlier).mentee
    current = CycleFactory(program=program)
    open_event = EventFactory(cycle=current, open_to_alumni=True, title="Alumni welcome")
    closed_event = EventFactory(cycle=current, open_to_alumni=False)
    client.force_login(alumnus.user)
    assert client.get(detail(open_event)).status_code == 200
    assert client.get(detail(closed_event)).status_code == 404
    assert "Alumni welcome" in client.get(LIST).content.decode()


def test_mentoring_days_are_open_to_everyone_who_took_part_in_the_program(client):
    program = ProgramFactory()
    old_cycle = CycleFactory(program=program)
    me = participant(old_cycle)
    other_cycle = CycleFactory(program=program)
    day = EventFactory(cycle=other_cycle, kind=Event.Kind.MENTORING_DAY)
    client.force_login(me.user)
    assert client.get(detail(day)).status_code == 200


def test_program_wide_event_is_open_to_participants_of_a_current_cycle(client):
    cycle = CycleFactory()
    me = participant(cycle)
    event = EventFactory(cycle=None, program=cycle.program)
    stranger = PersonFactory()
    client.force_login(me.user)
    assert client.get(detail(event)).status_code == 200
    client.force_login(stranger.user)
    assert client.get(detail(event)).status_code == 404


def test_coordinator_of_the_program_sees_the_event_but_cannot_reply(client):
    event = EventFactory()
    coordinator = CoordinatorFactory()
    event.program.coordinators.add(coordinator)
    client.force_login(coordinator)
    response = client.get(detail(event))
    assert response.status_code == 200
    assert "participants reply here" in response.content.decode()
    assert client.post(rsvp_url(event), {"response": "going"}).status_code == 403
    assert client.get(LIST).status_code == 403  # no Person: the list is for participants


def test_coordinator_of_another_program_and_hr_get_404(client):
    event = EventFactory()
    other = CoordinatorFactory()
    ProgramFactory().coordinators.add(other)
    for user in (other, HRAnalystFactory()):
        client.force_login(user)
        assert client.get(detail(event)).status_code == 404


def test_cancelled_and_past_events_are_not_listed(client):
    cycle = CycleFactory()
    me = participant(cycle)
    EventFactory(cycle=cycle, title="Called off", cancelled_at=timezone.now())
    EventFactory(
        cycle=cycle,
        title="Last month",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30, hours=-2),
    )
    client.force_login(me.user)
    body = client.get(LIST).content.decode()
    assert "Called off" not in body and "Last month" not in body


def test_event_detail_shows_time_in_my_time_zone_place_link_and_seats(client):
    cycle = CycleFactory()
    me = participant(cycle)
    me.time_zone = "Asia/Tokyo"
    me.save()
    starts = timezone.now().replace(hour=1, minute=0, second=0, microsecond=0) + timedelta(days=5)
    event = EventFactory(
        cycle=cycle, starts_at=starts, capacity=10, video_url="https://meet.example.gov/abc", location="Room 7"
    )
    RSVPFactory(event=event, status=RSVP.Status.GOING, guests=1)
    client.force_login(me.user)
    body = client.get(detail(event)).content.decode()
    tokyo = starts.astimezone(timezone.get_fixed_timezone(9 * 60))
    assert tokyo.strftime("%H:%M") in body
    assert "JST" in body
    assert "Room 7" in body and "https://meet.example.gov/abc" in body
    assert "8 left of 10" in body


# --- Replying ----------------------------------------------------------------------------------
def test_going_with_guests_counts_their_seats(client):
    cycle = CycleFactory()
    me = participant(cycle)
    event = EventFactory(cycle=cycle, capacity=5, guests_per_person=2)
    client.force_login(me.user)
    response = client.post(rsvp_url(event), {"response": "going", "guests": 2})
    assert response.status_code == 302
    rsvp = RSVP.objects.get(event=event, person=me)
    assert (rsvp.status, rsvp.guests) == (RSVP.Status.GOING, 2)
    assert seats_taken(event) == 3


def test_too_many_guests_is_refused_with_a_message(client):
    cycle = CycleFactory()
    me = participant(cycle)
    event = EventFactory(cycle=cycle, guests_per_person=1)
    client.force_login(me.user)
    response = client.post(rsvp_url(event), {"response": "going", "guests": 3})
    assert response.status_code == 200
    assert "at most 1 guest" in response.content.decode()
    assert not RSVP.objects.exists()


def test_missing_or_malformed_answer_is_a_form_error_not_a_500(client):
    cycle = CycleFactory()
    me = participant(cycle)
    event = EventFactory(cycle=cycle, guests_per_person=2)
    client.force_login(me.user)
    assert "Choose going or not going" in client.post(rsvp_url(event), {}).content.decode()
    response = client.post(rsvp_url(event), {"response": "going", "guests": "two"})
    assert response.status_code == 200
    assert "Enter a whole number" in response.content.decode()
    assert not RSVP.objects.exists()


def test_when_full_going_becomes_waitlist_with_a_position(client):
    cycle = CycleFactory()
    event = EventFactory(cycle=cycle, capacity=1)
    RSVPFactory(event=event, person=participant(cycle), status=RSVP.Status.GOING)
    RSVPFactory(event=event, person=participant(cycle), status=RSVP.Status.WAITLIST)
    me = participant(cycle)
    client.force_login(me.user)

    response = client.post(rsvp_url(event), {"response": "going"}, follow=True)

    assert RSVP.objects.get(event=event, person=me).status == RSVP.Status.WAITLIST
    body = response.content.decode()
    assert "is full" in body and "number 2" in body
    assert seats_taken(event) == 1


def test_cancelling_going_promotes_the_first_waitlisted_who_fits(django_capture_on_commit_callbacks):
    cycle = CycleFactory()
    event = EventFactory(cycle=cycle, capacity=2, guests_per_person=2)
    leaving = RSVPFactory(event=event, person=participant(cycle), status=RSVP.Status.GOING, guests=1)
    too_big = RSVPFactory(event=event, person=participant(cycle), status=RSVP.Status.WAITLIST, guests=2)
    fits = RSVPFactory(event=event, person=participant(cycle), status=RSVP.Status.WAITLIST, guests=1)
    received = []
    rsvp_promoted.connect(lambda sender, rsvp, **kw: received.append(rsvp.pk), weak=False, dispatch_uid="t-promo")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = rsvp_respond(event=event, person=leaving.person, going=False)
    finally:
        rsvp_promoted.disconnect(dispatch_uid="t-promo")

    too_big.refresh_from_db()
    fits.refresh_from_db()
    assert result.rsvp.status == RSVP.Status.NOT_GOING
    assert fits.status == RSVP.Status.GOING
    assert too_big.status == RSVP.Status.WAITLIST
    assert received == [fits.pk]
    assert seats_taken(event) == 2


def test_asking_for_more_guests_than_seats_keeps_my_place(client):
    cycle = CycleFactory()
    me = participant(cycle)
    event = EventFactory(cycle=cycle, capacity=2, guests_per_person=3)
    RSVPFactory(event=event, person=me, status=RSVP.Status.GOING, guests=1)
    with pytest.raises(ValidationError, match="place for 2 is kept"):
        rsvp_respond(event=event, person=me, going=True, guests=3)
    rsvp = RSVP.objects.get(person=me)
    assert (rsvp.status, rsvp.guests) == (RSVP.Status.GOING, 1)


def test_rsvp_is_closed_after_the_event_starts_or_when_cancelled(client):
    cycle = CycleFactory()
    me = participant(cycle)
    started = EventFactory(cycle=cycle, starts_at=timezone.now() - timedelta(minutes=5))
    cancelled = EventFactory(cycle=cycle, cancelled_at=timezone.now())
    client.force_login(me.user)
    assert "has started" in client.get(detail(started)).content.decode()
    response = client.post(rsvp_url(started), {"response": "going"})
    assert "has started" in response.content.decode()
    response = client.post(rsvp_url(cancelled), {"response": "going"})
    assert "was cancelled" in response.content.decode()
    assert not RSVP.objects.exists()


def test_changing_my_mind_updates_the_same_reply(client):
    cycle = CycleFactory()
    me = participant(cycle)
    event = EventFactory(cycle=cycle)
    client.force_login(me.user)
    client.post(rsvp_url(event), {"response": "going"})
    client.post(rsvp_url(event), {"response": "not_going"})
    assert list(RSVP.objects.values_list("status", flat=True)) == [RSVP.Status.NOT_GOING]


def test_event_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    cycle = CycleFactory()
    me = participant(cycle)
    for count in (2, 20):
        for _ in range(count):
            event = EventFactory(cycle=cycle, capacity=5)
            RSVPFactory(event=event, person=me)
            RSVPFactory(event=event, person=participant(cycle), guests=1)
        client.force_login(me.user)
        with django_assert_max_num_queries(8):
            assert client.get(LIST).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_people_cannot_take_the_last_seat_at_the_same_time(monkeypatch):
    from programs.services import rsvps

    counted = rsvps.seats_taken

    def slow_count(*args, **kwargs):
        # Widen the gap between counting seats and saving, where a missing lock would let
        # every racer see the same free seat.
        seats = counted(*args, **kwargs)
        time.sleep(0.2)
        return seats

    monkeypatch.setattr(rsvps, "seats_taken", slow_count)
    cycle = CycleFactory()
    event = EventFactory(cycle=cycle, capacity=3)
    RSVPFactory(event=event, person=participant(cycle), status=RSVP.Status.GOING, guests=0)
    RSVPFactory(event=event, person=participant(cycle), status=RSVP.Status.GOING, guests=0)
    racers = [participant(cycle) for _ in range(4)]
    barrier = threading.Barrier(len(racers))
    errors: list[BaseException] = []

    def take_seat(person) -> None:
        try:
            barrier.wait()
            rsvp_respond(event=event, person=person, going=True)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take_seat, args=(p,)) for p in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    statuses = sorted(RSVP.objects.filter(person__in=racers).values_list("status", flat=True))
    assert statuses == [RSVP.Status.GOING] + [RSVP.Status.WAITLIST] * 3
    assert seats_taken(event) == 3


def test_the_promoted_person_is_emailed_when_someone_cancels(client, django_capture_on_commit_callbacks, mailoutbox):
    cycle = CycleFactory()
    event = EventFactory(cycle=cycle, capacity=1, title="Budget walk-through")
    leaving = RSVPFactory(event=event, person=participant(cycle), status=RSVP.Status.GOING)
    waiting = RSVPFactory(event=event, person=participant(cycle), status=RSVP.Status.WAITLIST)
    client.force_login(leaving.person.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(rsvp_url(event), {"response": "not_going"})
    assert [m.to for m in mailoutbox] == [[waiting.person.email]]
    assert "Budget walk-through" in mailoutbox[0].subject + mailoutbox[0].body


def test_answering_going_again_while_waitlisted_keeps_my_place():
    cycle = CycleFactory()
    event = EventFactory(cycle=cycle, capacity=1)
    RSVPFactory(event=event, person=participant(cycle), status=RSVP.Status.GOING)
    first, second = participant(cycle), participant(cycle)
    rsvp_respond(event=event, person=first, going=True)
    rsvp_respond(event=event, person=second, going=True)
    again = rsvp_respond(event=event, person=first, going=True)
    assert (again.rsvp.status, again.waitlist_position) == (RSVP.Status.WAITLIST, 1)
