from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from profiles.tests.factories import CoordinatorFactory
from programs import signals
from programs.models import Cycle, Event
from programs.services.cycles import add_months, cycle_create, cycle_update
from programs.tests.factories import ProgramFactory, RSVPFactory

pytestmark = pytest.mark.django_db


def _local(event: Event) -> datetime:
    return event.starts_at.astimezone(ZoneInfo(settings.TIME_ZONE))


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_a_start_date_makes_a_six_month_cycle_with_window_matching_and_milestones():
    cycle = cycle_create(program=ProgramFactory(), name="Spring 2027", starts_on=date(2027, 3, 1))
    assert cycle.ends_on == date(2027, 9, 1)
    assert cycle.applications_open_on == date(2027, 1, 4)  # 8 weeks before
    assert cycle.applications_close_on == date(2027, 2, 8)  # 3 weeks before
    assert cycle.matching_on == date(2027, 2, 15)  # 2 weeks before
    events = {e.kind: e for e in cycle.events.all()}
    assert set(events) == {Event.Kind.KICKOFF, Event.Kind.MIDPOINT, Event.Kind.FINAL}
    assert _local(events[Event.Kind.KICKOFF]).date() == date(2027, 3, 1)
    assert _local(events[Event.Kind.MIDPOINT]).date() == date(2027, 6, 1)
    assert _local(events[Event.Kind.FINAL]).date() == date(2027, 9, 1)
    assert _local(events[Event.Kind.KICKOFF]).time() == time(10, 0)
    assert events[Event.Kind.KICKOFF].ends_at - events[Event.Kind.KICKOFF].starts_at == (
        datetime(2000, 1, 1, 11, 30) - datetime(2000, 1, 1, 10, 0)
    )
    assert all(e.program_id == cycle.program_id for e in events.values())


def test_length_is_editable_and_the_midpoint_follows():
    cycle = cycle_create(program=ProgramFactory(), name="Short", starts_on=date(2027, 1, 10), length_months=4)
    assert cycle.ends_on == date(2027, 5, 10)
    midpoint = cycle.events.get(kind=Event.Kind.MIDPOINT)
    assert _local(midpoint).date() == date(2027, 3, 10)


def test_cycle_created_signal_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    received = []

    def listener(sender, cycle, **kwargs):
        received.append((cycle.pk, cycle.events.count()))

    signals.cycle_created.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            cycle = cycle_create(program=ProgramFactory(), name="C", starts_on=date(2027, 3, 1))
        assert received == []
        for callback in callbacks:
            callback()
        assert received == [(cycle.pk, 3)]
    finally:
        signals.cycle_created.disconnect(listener)


def test_window_closing_after_start_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as error:
        cycle_create(
            program=ProgramFactory(),
            name="Bad",
            starts_on=date(2027, 3, 1),
            applications_close_on=date(2027, 3, 5),
        )
    assert "applications_close_on" in error.value.message_dict
    assert not Cycle.objects.exists()
    assert not Event.objects.exists()


def test_end_before_start_is_refused():
    with pytest.raises(ValidationError) as error:
        cycle_create(program=ProgramFactory(), name="Bad", starts_on=date(2027, 3, 1), ends_on=date(2027, 2, 1))
    assert error.value.message_dict["ends_on"] == ["The cycle must end after it starts."]


def test_moving_the_start_moves_milestones_nobody_replied_to_and_keeps_the_others(
    django_capture_on_commit_callbacks,
):
    coordinator = CoordinatorFactory()
    cycle = cycle_create(program=ProgramFactory(), name="C", starts_on=date(2027, 3, 1), by=coordinator)
    kickoff = cycle.events.get(kind=Event.Kind.KICKOFF)
    final = cycle.events.get(kind=Event.Kind.FINAL)
    RSVPFactory(event=kickoff)
    changed = []

    def listener(sender, event, changes, **kwargs):
        changed.append(event.pk)

    signals.event_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = cycle_update(
                cycle=cycle, by=coordinator, starts_on=date(2027, 3, 8), ends_on=date(2027, 9, 8),
                applications_close_on=date(2027, 2, 15), matching_on=date(2027, 2, 22),
            )
    finally:
        signals.event_changed.disconnect(listener)
    kickoff.refresh_from_db()
    final.refresh_from_db()
    assert _local(kickoff).date() == date(2027, 3, 1)  # people replied: stays put
    assert [e.pk for e in result.kept_events] == [kickoff.pk]
    assert _local(final).date() == date(2027, 9, 8)
    assert _local(final).time() == time(10, 0)
    assert final.sequence == 1
    assert final.pk in changed and kickoff.pk not in changed
    assert AuditEntry.objects.filter(action="cycle.redate", target_id=str(cycle.pk)).exists()


def test_bad_edit_leaves_the_saved_cycle_untouched():
    cycle = cycle_create(program=ProgramFactory(), name="C", starts_on=date(2027, 3, 1))
    with pytest.raises(ValidationError):
        cycle_update(cycle=cycle, by=None, ends_on=date(2027, 2, 1))
    assert cycle.ends_on == date(2027, 9, 1)  # the caller's object too
    cycle.refresh_from_db()
    assert cycle.ends_on == date(2027, 9, 1)
