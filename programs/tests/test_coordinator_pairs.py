import pytest
from django.urls import reverse

from profiles.tests.factories import PersonFactory
from programs.models import Agreement, Mentorship
from programs.tests.coordinator_world import make_world
from programs.tests.factories import EnrollmentFactory, MeetingFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    world = make_world()
    client.force_login(world.coordinator)
    return world


def _approved(cycle, role, **person):
    return EnrollmentFactory(cycle=cycle, role=role, person=PersonFactory(**person)).person


def test_pairing_by_hand_creates_the_pair_and_its_agreement(client, world):
    mentor, mentee = _approved(world.cycle, "mentor"), _approved(world.cycle, "mentee")
    response = client.post(
        reverse("programs:cycle-pairs", args=[world.cycle.pk]), {"mentor": mentor.pk, "mentee": mentee.pk}
    )
    assert response.status_code == 302
    pair = Mentorship.objects.get(cycle=world.cycle, mentor=mentor, mentee=mentee)
    assert pair.source == "manual" and pair.created_by == world.coordinator
    assert Agreement.objects.filter(mentorship=pair).exists()


def test_a_broken_rule_is_shown_on_the_form_and_nothing_is_created(client, world):
    boss = _approved(world.cycle, "mentor")
    report = EnrollmentFactory(cycle=world.cycle, role="mentee", person=PersonFactory(supervisor=boss)).person
    response = client.post(
        reverse("programs:cycle-pairs", args=[world.cycle.pk]), {"mentor": boss.pk, "mentee": report.pk}
    )
    assert response.status_code == 200
    assert "same reporting chain" in response.content.decode()
    assert not Mentorship.objects.exists()


def test_people_not_approved_in_this_cycle_are_not_offered(client, world):
    pending = EnrollmentFactory(cycle=world.cycle, role="mentor", status="pending").person
    mentee = _approved(world.cycle, "mentee")
    response = client.post(
        reverse("programs:cycle-pairs", args=[world.cycle.pk]), {"mentor": pending.pk, "mentee": mentee.pk}
    )
    assert response.context["form"].errors["mentor"]
    assert not Mentorship.objects.exists()


def test_ending_a_pair_needs_a_reason_and_then_ends_it(client, world):
    pair = MentorshipFactory(cycle=world.cycle)
    url = reverse("programs:pair-end", args=[pair.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = client.post(url, {"reason": "Mentee changed team"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == "ended" and pair.end_reason == "Mentee changed team"


def test_completing_a_pair_and_trying_again_changes_nothing(client, world):
    pair = MentorshipFactory(cycle=world.cycle)
    client.post(reverse("programs:pair-complete", args=[pair.pk]), {"note": ""})
    pair.refresh_from_db()
    assert pair.status == "completed"
    response = client.post(reverse("programs:pair-end", args=[pair.pk]), {"reason": "x"}, follow=True)
    assert "already completed" in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == "completed" and pair.end_reason == ""


def test_pairs_page_query_count_is_fixed(client, world, django_assert_max_num_queries):
    url = reverse("programs:cycle-pairs", args=[world.cycle.pk])
    client.get(url)
    for pair in MentorshipFactory.create_batch(3, cycle=world.cycle):
        MeetingFactory(mentorship=pair)
    with django_assert_max_num_queries(10):
        client.get(url)
    for pair in MentorshipFactory.create_batch(30, cycle=world.cycle):
        MeetingFactory(mentorship=pair)
        EnrollmentFactory(cycle=world.cycle, role="mentor", person=pair.mentor)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(response.context["pairs"]) == 33


def test_the_pair_form_shows_each_mentors_load_and_who_already_has_a_mentor(client, world):
    mentor = EnrollmentFactory(cycle=world.cycle, role="mentor", capacity=3, person=PersonFactory(first_name="Mo")).person
    mentee = _approved(world.cycle, "mentee")
    MentorshipFactory(cycle=world.cycle, mentor=mentor, mentee=mentee)
    MentorshipFactory(cycle=world.cycle, mentor=mentor, status="ended")
    text = client.get(reverse("programs:cycle-pairs", args=[world.cycle.pk])).content.decode()
    assert f"{mentor.full_name} ({mentor.department.name}) – 1 of 3 mentees" in text
    assert f"{mentee.full_name} ({mentee.department.name}) – has a mentor" in text
