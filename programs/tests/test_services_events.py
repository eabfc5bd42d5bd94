from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from programs import signals
from programs.models import RSVP
from programs.services.events import event_update
from programs.tests.factories import EventFactory, RSVPFactory

pytestmark = pytest.mark.django_db


def test_raising_capacity_moves_the_waitlist_up_in_order(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    RSVPFactory(event=event)
    first = RSVPFactory(event=event, status=RSVP.Status.WAITLIST)
    second = RSVPFactory(event=event, status=RSVP.Status.WAITLIST)
    promoted = []

    def listener(sender, rsvp, **kwargs):
        promoted.append(rsvp.pk)

    signals.rsvp_promoted.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            changes = event_update(event=event, by=None, capacity=2)
    finally:
        signals.rsvp_promoted.disconnect(listener)
    assert changes == [] and event.sequence == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (RSVP.Status.GOING, RSVP.Status.WAITLIST)
    assert promoted == [first.pk]


def test_capacity_cannot_drop_below_the_seats_taken():
    event = EventFactory(capacity=10)
    RSVPFactory(event=event, guests=2)
    RSVPFactory(event=event)
    with pytest.raises(ValidationError) as error:
        event_update(event=event, by=None, capacity=3)
    assert "4 seats are already taken" in error.value.message_dict["capacity"][0]
    assert event.capacity == 10


def test_moving_the_time_describes_the_change_in_local_time():
    event = EventFactory()
    changes = event_update(
        event=event, by=None, starts_at=event.starts_at + timedelta(days=1), ends_at=event.ends_at + timedelta(days=1)
    )
    assert len(changes) == 2 and changes[0].startswith("start: ") and " → " in changes[0]
    assert event.sequence == 1


def test_a_cancelled_event_cannot_be_changed():
    from django.utils import timezone

    event = EventFactory(cancelled_at=timezone.now())
    with pytest.raises(ValidationError):
        event_update(event=event, by=None, location="Elsewhere")
