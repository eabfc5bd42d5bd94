"""Speed rounds through the client: generate as a coordinator, show and print; attendees see
their own timetable and mark wishes; matching counts the wishes as a small bonus."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.engine import pair_components, solve
from matching.engine.scoring import skill_rarity
from matching.services.inputs import cycle_input
from profiles.models import DevelopmentGoal
from profiles.tests.factories import (
    CoordinatorFactory,
    HRAnalystFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
)
from programs.models import RSVP, Enrollment
from programs.tests.factories import CycleFactory, EnrollmentFactory, EventFactory, OpenCycleFactory, RSVPFactory
from speedrounds.models import Schedule, Seat, SpeedMeeting, Wish
from speedrounds.services import schedule_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cycle = CycleFactory()
    start = timezone.now() + timedelta(days=2)
    event = EventFactory(cycle=cycle, title="Mentoring day", starts_at=start, ends_at=start + timedelta(hours=1))
    coordinator = CoordinatorFactory()
    cycle.program.coordinators.add(coordinator)
    coordinator_b = CoordinatorFactory()
    CycleFactory().program.coordinators.add(coordinator_b)
    mentors = [EnrollmentFactory(cycle=cycle, role=Enrollment.Role.MENTOR).person for _ in range(2)]
    mentees = [EnrollmentFactory(cycle=cycle, role=Enrollment.Role.MENTEE).person for _ in range(3)]
    for person in (*mentors, *mentees):
        RSVPFactory(event=event, person=person, status=RSVP.Status.GOING)
    return {
        "cycle": cycle,
        "event": event,
        "coordinator": coordinator,
        "coordinator_b": coordinator_b,
        "mentors": mentors,
        "mentees": mentees,
        "other": PersonFactory(),
        "hr": HRAnalystFactory(),
    }


def schedule_url(event, name="schedule"):
    return reverse(f"speedrounds:{name}", args=[event.pk])


def test_coordinator_generates_shows_and_prints_the_rotation(client, world):
    event = world["event"]
    client.force_login(world["coordinator"])
    page = client.get(schedule_url(event)).content.decode()
    assert "2 mentors and 3 mentees" in page and "No schedule yet" in page
    response = client.post(schedule_url(event), {"minutes_per_round": 7})
    assert response.status_code == 302
    schedule = Schedule.objects.get(event=event)
    assert schedule.rounds == 3 and SpeedMeeting.objects.filter(schedule=schedule).count() == 6
    page = client.get(schedule_url(event)).content.decode()
    assert "Round 3" in page and world["mentees"][0].full_name in page
    printed = client.get(schedule_url(event, "print"))
    assert printed.status_code == 200 and "Table 1: " in printed.content.decode()
    assert "Speed rounds (3 rounds)" in client.get(reverse("programs:event-rsvps", args=[event.pk])).content.decode()


def test_bad_input_gives_clear_messages(client, world):
    event = world["event"]
    client.force_login(world["coordinator"])
    for data, text in (
        ({"minutes_per_round": 1}, "greater than or equal to 2"),
        ({"minutes_per_round": "abc"}, "Enter a whole number"),
        ({"minutes_per_round": 7, "rounds": 0}, "greater than or equal to 1"),
    ):
        response = client.post(schedule_url(event), data)
        assert response.status_code == 200 and text in response.content.decode()
    RSVP.objects.filter(person__in=world["mentees"]).update(status=RSVP.Status.NOT_GOING)
    response = client.post(schedule_url(event), {"minutes_per_round": 7})
    assert "All 2 people going are mentors" in response.content.decode()
    RSVP.objects.filter(event=event).update(status=RSVP.Status.NOT_GOING)
    response = client.post(schedule_url(event), {"minutes_per_round": 7})
    assert "Nobody has said they are going" in response.content.decode()
    assert not Schedule.objects.exists()
    assert client.get(schedule_url(event, "print")).status_code == 404


def test_who_may_see_the_schedule(client, world):
    event = world["event"]
    schedule_generate(event=event, by=world["coordinator"], minutes_per_round=5)
    assert client.get(schedule_url(event)).status_code == 302  # anonymous: sign in
    for who, status in ((world["coordinator_b"], 404), (world["mentors"][0].user, 403), (world["hr"], 403)):
        client.force_login(who)
        assert client.get(schedule_url(event)).status_code == status
        assert client.get(schedule_url(event, "print")).status_code == status
        assert client.post(schedule_url(event), {"minutes_per_round": 9}).status_code == status
    assert Schedule.objects.get().minutes_per_round == 5
    client.force_login(world["other"].user)  # not at the event: no timetable
    assert client.get(schedule_url(event, "mine")).status_code == 404
    client.force_login(world["hr"])
    assert client.get(schedule_url(event, "mine"))["Location"] == reverse("profiles:no-profile")


def test_reporting_chain_pairs_are_kept_apart(client, world):
    boss, report = world["mentors"][0], world["mentees"][0]
    report.supervisor = boss
    report.save()
    schedule = schedule_generate(event=world["event"], by=world["coordinator"], minutes_per_round=5)
    assert not SpeedMeeting.objects.filter(schedule=schedule, mentor=boss, mentee=report).exists()
    assert schedule.kept_apart == [[boss.pk, report.pk]]
    client.force_login(world["coordinator"])
    assert "Kept apart by the rules" in client.get(schedule_url(world["event"])).content.decode()


def test_attendee_sees_timetable_and_marks_wishes(client, world):
    event = world["event"]
    schedule = schedule_generate(event=event, by=world["coordinator"], minutes_per_round=5)
    mentee, mentor, other = world["mentees"][0], world["mentors"][1], world["other"]
    client.force_login(mentee.user)
    assert "My speed rounds" in client.get(event.get_absolute_url()).content.decode()
    page = client.get(schedule_url(event, "mine")).content.decode()
    assert "You are a mentee" in page and mentor.full_name in page
    response = client.post(schedule_url(event, "mine"), {"whom": [mentor.pk]}, follow=True)
    assert "Saved: 1 person" in response.content.decode()
    assert list(Wish.objects.values_list("by", "whom")) == [(mentee.pk, mentor.pk)]
    response = client.post(schedule_url(event, "mine"), {"whom": [other.pk, "x", "9" * 30]}, follow=True)
    assert "only mark people you met" in response.content.decode()
    assert Wish.objects.count() == 1
    client.post(schedule_url(event, "mine"), {})
    assert not Wish.objects.exists()
    client.post(schedule_url(event, "mine"), {"whom": [mentor.pk]})
    client.force_login(world["coordinator"])
    response = client.post(schedule_url(event), {"minutes_per_round": 6})
    assert "already marked" in response.content.decode()
    assert Schedule.objects.get() == schedule and Seat.objects.filter(schedule=schedule).count() == 5


def test_community_attendees_take_their_role_from_their_profile(world):
    event = EventFactory(
        cycle=None,
        program=world["cycle"].program,
        starts_at=timezone.now() + timedelta(days=400),
        ends_at=timezone.now() + timedelta(days=400, hours=1),
    )
    keen, curious = PersonFactory(willing_to_mentor=True), PersonFactory()
    for person in (keen, curious):
        RSVPFactory(event=event, person=person)
    schedule = schedule_generate(event=event, by=None, minutes_per_round=10)
    assert dict(schedule.seats.values_list("person", "role")) == {keen.pk: "mentor", curious.pk: "mentee"}


def test_a_wish_is_a_small_bonus_in_matching():
    skill = SkillFactory(name="Budgeting")
    cycle = OpenCycleFactory()
    mentor_a, mentor_b = PersonFactory(willing_to_mentor=True), PersonFactory(willing_to_mentor=True)
    for m in (mentor_a, mentor_b):
        PersonSkillFactory(person=m, skill=skill, level=4, will_teach=True)
        EnrollmentFactory(cycle=cycle, person=m, role=Enrollment.Role.MENTOR, capacity=1)
    mentee = PersonFactory()
    DevelopmentGoal.objects.create(person=mentee, skill=skill, target_level=3, priority=1)
    EnrollmentFactory(cycle=cycle, person=mentee, role=Enrollment.Role.MENTEE)
    # They met at last cycle's mentoring day of the same program, and the mentee marked mentor B.
    past = EventFactory(cycle=CycleFactory(program=cycle.program))
    for person in (mentor_b, mentee):
        RSVPFactory(event=past, person=person)
    schedule = schedule_generate(event=past, by=None, minutes_per_round=5)
    Wish.objects.create(schedule=schedule, by=mentee, whom=mentor_b)

    data = cycle_input(cycle)
    e = data.mentee(mentee.pk)
    assert e.met == frozenset({mentor_b.pk})
    rarity = skill_rarity(data.problem.mentors)
    with_wish = pair_components(e, data.mentor(mentor_b.pk), data.settings, rarity)
    without = pair_components(e, data.mentor(mentor_a.pk), data.settings, rarity)
    assert with_wish["met_wish"] == data.settings.weights.met_wish == 2.0 and without["met_wish"] == 0.0
    assert sum(with_wish.values()) - sum(without.values()) == pytest.approx(2.0, abs=0.8)
    assert solve(data.problem, data.settings).mentor_of(mentee.pk) == mentor_b.pk
    # A wish made at another program's event does not count here.
    elsewhere = EventFactory()
    for person in (mentor_b, mentee):
        RSVPFactory(event=elsewhere, person=person)
    Wish.objects.update(schedule=schedule_generate(event=elsewhere, by=None, minutes_per_round=5))
    assert cycle_input(cycle).mentee(mentee.pk).met == frozenset()


def test_the_coordinator_tunes_or_switches_off_the_wish_bonus(client, world):
    from matching.models import MatchSettings

    data = {
        "mode": "optimal", "min_score": "0", "unmatched_penalty": "0", "k": "50",
        "skill": "10", "skill_base": "0.5", "knowledge_transfer": "3", "mentor_skill": "1", "cross_department": "1",
        "location": "0.75", "timezone": "0.75", "tz_window_hours": "8", "format": "0.5", "mentor_department": "0.5",
        "choice_1": "30", "choice_2": "20", "choice_3": "12",
    }
    url = reverse("matching:settings", args=[world["cycle"].pk])
    client.force_login(world["coordinator"])
    assert client.get(url).context["form"].initial["met_wish"] == 2.0
    response = client.post(url, {**data, "met_wish": "-1"})
    assert response.status_code == 200 and "at least 0" in response.content.decode()
    assert client.post(url, {**data, "met_wish": "0"}).status_code == 302
    assert MatchSettings.objects.get(cycle=world["cycle"]).data["weights"]["met_wish"] == 0
    assert client.post(url, data).status_code == 302  # left out: the saved value stays
    assert MatchSettings.objects.get(cycle=world["cycle"]).data["weights"]["met_wish"] == 0


def test_my_data_lists_seats_and_wishes_and_removal_deletes_the_wishes(world):
    from privacy.services import person_anonymise, person_data_export

    schedule = schedule_generate(event=world["event"], by=world["coordinator"], minutes_per_round=5)
    mentee, mentor = world["mentees"][0], world["mentors"][0]
    Wish.objects.create(schedule=schedule, by=mentee, whom=mentor)
    Wish.objects.create(schedule=schedule, by=mentor, whom=mentee)
    data = person_data_export(person=mentee)
    assert data["speed_round_seats"] == [
        {"event": "Mentoring day", "starts_at": world["event"].starts_at.isoformat(), "role": "mentee"}
    ]
    assert data["speed_round_wishes"] == [{"event": "Mentoring day", "would_like_to_work_with": mentor.full_name}]
    mentee.separated_on = timezone.localdate()
    mentee.save()
    person_anonymise(person=mentee, by=world["coordinator"], reason="Left")
    assert not Wish.objects.exists()
    assert Seat.objects.filter(person=mentee).exists()  # the schedule as held stays whole
