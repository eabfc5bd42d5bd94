from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import RSVP, Cycle, Enrollment, Event, HelpRequest, PairFlag
from programs.tests.coordinator_world import make_world
from programs.tests.factories import EnrollmentFactory, EventFactory, MeetingFactory, MentorshipFactory, RSVPFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    world = make_world()
    client.force_login(world.coordinator)
    return world


def test_a_start_date_is_enough_to_create_a_cycle(client, world):
    response = client.post(
        reverse("programs:cycle-create", args=[world.program.slug]),
        {"name": "Spring 2027", "starts_on": "2027-03-01", "length_months": "6"},
    )
    cycle = Cycle.objects.get(name="Spring 2027")
    assert response.status_code == 302 and response["Location"] == cycle.get_absolute_url()
    assert cycle.ends_on == date(2027, 9, 1)
    assert cycle.events.count() == 3


@pytest.mark.parametrize("bad_date", ["2026-02-30", "not a date", ""])
def test_an_impossible_start_date_is_a_form_error_not_a_500(client, world, bad_date):
    response = client.post(
        reverse("programs:cycle-create", args=[world.program.slug]),
        {"name": "Kept name", "starts_on": bad_date, "length_months": "6"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"]
    assert "Kept name" in response.content.decode()
    assert not Cycle.objects.filter(name="Kept name").exists()


def _edit_data(cycle: Cycle, **changes) -> dict:
    data = {
        "name": cycle.name,
        "starts_on": cycle.starts_on.isoformat(),
        "ends_on": cycle.ends_on.isoformat(),
        "applications_open_on": cycle.applications_open_on.isoformat(),
        "applications_close_on": cycle.applications_close_on.isoformat(),
        "matching_on": cycle.matching_on.isoformat(),
    }
    return {**data, **changes}


def test_end_before_start_is_a_clear_form_error_and_nothing_changes(client, world):
    cycle = world.cycle
    url = reverse("programs:cycle-edit", args=[cycle.pk])
    response = client.post(url, _edit_data(cycle, ends_on=(cycle.starts_on - timedelta(days=1)).isoformat()))
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == ["The cycle must end after it starts."]
    before = cycle.ends_on
    cycle.refresh_from_db()
    assert cycle.ends_on == before


def test_window_closing_after_the_start_is_refused(client, world):
    cycle = world.cycle
    response = client.post(
        reverse("programs:cycle-edit", args=[cycle.pk]),
        _edit_data(cycle, applications_close_on=(cycle.starts_on + timedelta(days=1)).isoformat()),
    )
    assert "Applications must close before the cycle starts." in response.context["form"].errors["applications_close_on"]


def test_moving_dates_warns_about_milestones_people_replied_to(client, world):
    cycle = world.cycle
    kickoff = EventFactory(cycle=cycle, kind=Event.Kind.KICKOFF, title="Kickoff",
                           starts_at=timezone.now() - timedelta(days=30))
    RSVPFactory(event=kickoff)
    new_start = cycle.starts_on + timedelta(days=7)
    response = client.post(
        reverse("programs:cycle-edit", args=[cycle.pk]),
        _edit_data(cycle, starts_on=new_start.isoformat(), ends_on=(cycle.ends_on + timedelta(days=7)).isoformat()),
        follow=True,
    )
    text = response.content.decode()
    assert "“Kickoff” stays on" in text and "people have replied" in text
    cycle.refresh_from_db()
    assert cycle.starts_on == new_start


def _populate(cycle, pairs: int) -> None:
    for pair in MentorshipFactory.create_batch(pairs, cycle=cycle):
        MeetingFactory.create_batch(2, mentorship=pair)
        EnrollmentFactory(cycle=cycle, person=pair.mentor, role=Enrollment.Role.MENTOR)
        EnrollmentFactory(cycle=cycle, person=pair.mentee, role=Enrollment.Role.MENTEE)
        PairFlag.objects.create(mentorship=pair, reason=PairFlag.Reason.LOW_SCORE)
        HelpRequest.objects.create(mentorship=pair, requested_by=pair.mentee, kind="help", message="Stuck")
    for event in EventFactory.create_batch(pairs // 3 + 1, cycle=cycle):
        RSVPFactory.create_batch(3, event=event)


def test_cycle_detail_runs_the_same_queries_for_3_or_30_pairs(client, world, django_assert_max_num_queries):
    url = reverse("programs:cycle-detail", args=[world.cycle.pk])
    client.get(url)  # warm the per-process caches (content types, session) so both counts compare like with like
    _populate(world.cycle, 3)
    # About one query per panel (funnel, pairs, help, events, circles...); what matters is that
    # ten times the pairs costs not one more.
    with django_assert_max_num_queries(15) as few:
        response = client.get(url)
    assert len(response.context["pairs"]) == 3
    _populate(world.cycle, 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    # The overview shows the first ten pairs at risk and help requests, and links to the full lists.
    assert len(response.context["pairs"]) == 10 and len(response.context["help_requests"]) == 10
    assert response.context["pair_counts"]["total"] == 30 and response.context["help_count"] == 30
    body = response.content.decode()
    assert "All 30 pairs" in body and "All 30 help requests and 30 flags" in body


def test_cycle_detail_counts_the_funnel_meetings_and_replies(client, world):
    cycle = world.cycle
    pair = MentorshipFactory(cycle=cycle)
    MeetingFactory(mentorship=pair, scheduled_at=timezone.now() - timedelta(days=2))
    MeetingFactory(mentorship=pair, status="scheduled", scheduled_at=timezone.now() + timedelta(days=2))
    EnrollmentFactory(cycle=cycle, role="mentor", status="pending")
    EnrollmentFactory(cycle=cycle, role="mentee", status="waitlisted")
    EnrollmentFactory(cycle=cycle, role="mentee", status="declined")
    event = EventFactory(cycle=cycle, capacity=10)
    RSVPFactory(event=event, guests=1)
    RSVPFactory(event=event, status=RSVP.Status.WAITLIST)
    [row] = client.get(reverse("programs:cycle-pairs", args=[cycle.pk])).context["pairs"]
    assert row.meeting_count == 1  # only held meetings count
    response = client.get(reverse("programs:cycle-detail", args=[cycle.pk]))
    assert response.context["pair_counts"]["active"] == 1 and response.context["pairs"] == []  # none at risk
    rows = {label: (counts, total) for label, counts, total in response.context["funnel"].rows}
    assert rows["Mentor"][0]["pending"] == 1 and rows["Mentee"][1] == 2
    [listed] = response.context["events"]
    assert (listed.going, listed.guests, listed.waitlisted) == (1, 1, 1)
