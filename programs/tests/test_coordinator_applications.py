import pytest
from django.urls import reverse

from profiles.tests.factories import DevelopmentGoalFactory, PersonFactory, PersonSkillFactory
from programs import signals
from programs.models import Enrollment
from programs.tests.coordinator_world import make_world
from programs.tests.factories import CycleFactory, EnrollmentFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    world = make_world()
    client.force_login(world.coordinator)
    return world


def _url(world, query: str = "") -> str:
    return reverse("programs:cycle-applications", args=[world.cycle.pk]) + query


def test_filter_by_role_and_status_and_search_by_name(client, world):
    ada = EnrollmentFactory(cycle=world.cycle, role="mentor", status="pending", person=PersonFactory(first_name="Ada", last_name="Lovelace"))
    EnrollmentFactory(cycle=world.cycle, role="mentee", status="pending", person=PersonFactory(first_name="Alan"))
    EnrollmentFactory(cycle=world.cycle, role="mentor", status="approved", person=PersonFactory(first_name="Grace"))
    EnrollmentFactory(role="mentor", status="pending", person=PersonFactory(first_name="Elsewhere"))
    response = client.get(_url(world, "?role=mentor&status=pending"))
    assert [e.pk for e in response.context["enrollments"]] == [ada.pk]
    response = client.get(_url(world, "?q=lovelace"))
    assert [e.pk for e in response.context["enrollments"]] == [ada.pk]
    assert "Elsewhere" not in response.content.decode()


def test_bulk_waitlist_with_a_note_sends_one_signal_per_decision(client, world, django_capture_on_commit_callbacks):
    chosen = EnrollmentFactory.create_batch(2, cycle=world.cycle, status="pending")
    untouched = EnrollmentFactory(cycle=world.cycle, status="pending")
    received = []

    def listener(sender, enrollment, decided_by, **kwargs):
        received.append((enrollment.pk, decided_by))

    signals.enrollment_decided.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                _url(world, "?status=pending"),
                {"enrollments": [e.pk for e in chosen], "action": "waitlisted", "note": "Full this round"},
            )
    finally:
        signals.enrollment_decided.disconnect(listener)
    assert response.status_code == 302 and response["Location"] == _url(world, "?status=pending")
    assert sorted(received) == sorted((e.pk, world.coordinator) for e in chosen)
    for enrollment in chosen:
        enrollment.refresh_from_db()
        assert enrollment.status == "waitlisted" and enrollment.decision_note == "Full this round"
    untouched.refresh_from_db()
    assert untouched.status == "pending"


def test_deciding_without_ticking_anything_says_so(client, world):
    EnrollmentFactory(cycle=world.cycle, status="pending")
    response = client.post(_url(world), {"action": "approved"})
    assert response.status_code == 200
    assert "Tick at least one application." in response.content.decode()
    assert not Enrollment.objects.exclude(status="pending").exists()


def test_applications_of_another_cycle_cannot_be_decided_through_this_one(client, world):
    foreign = EnrollmentFactory(cycle=CycleFactory(), status="pending")
    response = client.post(_url(world), {"enrollments": [foreign.pk], "action": "approved"})
    assert response.status_code == 200
    foreign.refresh_from_db()
    assert foreign.status == "pending"


def test_declining_someone_in_an_active_pair_is_refused_with_the_reason(client, world):
    enrollment = EnrollmentFactory(cycle=world.cycle, role="mentee")
    MentorshipFactory(cycle=world.cycle, mentee=enrollment.person)
    response = client.post(_url(world), {"enrollments": [enrollment.pk], "action": "declined"}, follow=True)
    assert "is in an active pair; end the pair first" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == "approved"


def _applicants(cycle, n: int) -> None:
    for _ in range(n):
        mentee = EnrollmentFactory(cycle=cycle, role="mentee", status="pending")
        mentee.goals.add(DevelopmentGoalFactory(person=mentee.person), DevelopmentGoalFactory(person=mentee.person))
        mentor = EnrollmentFactory(cycle=cycle, role="mentor", status="approved", capacity=2)
        PersonSkillFactory(person=mentor.person)
        PersonSkillFactory(person=mentor.person)
        MentorshipFactory(cycle=cycle, mentor=mentor.person)


def test_goals_capacity_and_skills_show_inline_without_n_plus_1(client, world, django_assert_max_num_queries):
    client.get(_url(world))
    _applicants(world.cycle, 2)
    with django_assert_max_num_queries(10):
        client.get(_url(world))
    _applicants(world.cycle, 20)
    with django_assert_max_num_queries(10):
        response = client.get(_url(world))
    mentors = [e for e in response.context["enrollments"] if e.role == "mentor"]
    assert len(mentors) == 22
    assert all(m.effective_capacity == 2 and m.active_mentees == 1 and len(m.person.skill_list) == 2 for m in mentors)
    assert "Capacity 2; 1 active now" in response.content.decode()


def test_long_lists_have_pages_that_keep_the_filter_and_the_decision_form_comes_first(client, world):
    from common.listing import PER_PAGE

    EnrollmentFactory.create_batch(PER_PAGE + 3, cycle=world.cycle, role="mentee", status="pending")
    EnrollmentFactory(cycle=world.cycle, role="mentor", status="pending")
    response = client.get(_url(world, "?role=mentee&status=pending"))
    assert len(response.context["enrollments"]) == PER_PAGE
    body = response.content.decode()
    assert "role=mentee&amp;status=pending&amp;page=2" in body
    assert f"{PER_PAGE + 3} applications matching the filter, page 1 of 2" in body
    assert body.index("Decide on the ticked applications") < body.index('id="applications-table"')
    second = client.get(_url(world, "?role=mentee&status=pending&page=2"))
    assert len(second.context["enrollments"]) == 3


def test_deciding_on_page_two_returns_to_page_two(client, world):
    from common.listing import PER_PAGE

    EnrollmentFactory.create_batch(PER_PAGE + 2, cycle=world.cycle, status="pending")
    url = _url(world, "?page=2")
    on_page_two = client.get(url).context["enrollments"]
    response = client.post(url, {"enrollments": [on_page_two[0].pk], "action": "approved", "note": ""})
    assert response["Location"].endswith("?page=2")
    on_page_two[0].refresh_from_db()
    assert on_page_two[0].status == "approved"
