"""Role homes: who lands where, switching, and a coordinator's counts agreeing with their lists."""

import pytest
from django.urls import reverse

from profiles.tests.factories import CoordinatorFactory, HRAnalystFactory, PersonFactory
from programs.models import Enrollment, HelpRequest, PairFlag
from programs.selectors.coordinator import ApplicationFilters, cycle_applications, open_flags, open_help_requests
from programs.tests.factories import (
    CycleFactory,
    EnrollmentFactory,
    MentorshipFactory,
    OpenCycleFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db
TODAY = reverse("homes:coordinator")


def _coordinating(user, **cycle_kwargs):
    program = ProgramFactory()
    program.coordinators.add(user)
    return CycleFactory(program=program, **cycle_kwargs)


def test_each_role_lands_on_its_own_home(client):
    coordinator_person = PersonFactory()
    coordinator_person.user.is_coordinator = True
    coordinator_person.user.save()
    cases = [
        (coordinator_person.user, TODAY),
        (CoordinatorFactory(), TODAY),
        (HRAnalystFactory(), reverse("reports:index")),
        (PersonFactory().user, reverse("programs:participant-home")),
    ]
    for user, expected in cases:
        client.force_login(user)
        assert client.get(reverse("home"))["Location"] == expected, user


def test_someone_with_two_roles_switches_and_the_choice_sticks(client):
    person = PersonFactory()
    person.user.is_coordinator = True
    person.user.save()
    client.force_login(person.user)

    menu = client.get(reverse("programs:participant-home")).content.decode()
    assert 'name="role" value="participant"' in menu and 'name="role" value="coordinator"' in menu

    response = client.post(reverse("home-switch"), {"role": "participant"})
    assert response["Location"] == reverse("programs:participant-home")
    assert client.get(reverse("home"))["Location"] == reverse("programs:participant-home")

    # A role the user does not hold is ignored, never stored.
    client.post(reverse("home-switch"), {"role": "hr"})
    assert client.get(reverse("home"))["Location"] == reverse("programs:participant-home")


def test_switching_needs_a_post(client):
    client.force_login(CoordinatorFactory())
    assert client.get(reverse("home-switch")).status_code == 405


def test_a_role_lost_since_the_switch_falls_back_to_one_still_held(client):
    person = PersonFactory()
    person.user.is_coordinator = True
    person.user.save()
    client.force_login(person.user)
    client.post(reverse("home-switch"), {"role": "coordinator"})
    person.user.is_coordinator = False
    person.user.save()
    assert client.get(reverse("home"))["Location"] == reverse("programs:participant-home")


def test_only_coordinators_open_the_coordinator_home(client):
    assert client.get(TODAY).status_code == 302  # to sign-in
    for user in (HRAnalystFactory(), PersonFactory().user):
        client.force_login(user)
        assert client.get(TODAY).status_code == 403


def test_counts_on_the_home_match_the_lists_they_open(client):
    coordinator = CoordinatorFactory()
    cycle = _coordinating(coordinator)
    EnrollmentFactory.create_batch(3, cycle=cycle, status=Enrollment.Status.PENDING)
    EnrollmentFactory(cycle=cycle, status=Enrollment.Status.APPROVED)
    pair = MentorshipFactory(cycle=cycle)
    HelpRequest.objects.create(mentorship=pair, requested_by=pair.mentee, kind="other", message="Stuck")
    HelpRequest.objects.create(
        mentorship=pair, requested_by=pair.mentor, kind="other", message="Done", resolved_at="2026-01-01T00:00Z"
    )
    PairFlag.objects.create(mentorship=pair, reason=PairFlag.Reason.values[0])
    # Someone else's program never counts.
    EnrollmentFactory.create_batch(2, cycle=CycleFactory(), status=Enrollment.Status.PENDING)

    client.force_login(coordinator)
    tasks = {task.label: task for task in client.get(TODAY).context["today"].tasks}

    pending = cycle_applications(cycle=cycle, filters=ApplicationFilters(status="pending")).count()
    assert tasks["applications to decide"].count == pending == 3
    assert tasks["applications to decide"].url.endswith("?status=pending")
    waiting = open_help_requests(cycle=cycle).count() + open_flags(cycle=cycle).count()
    assert tasks["help requests and flags"].count == waiting == 2
    listed = client.get(tasks["help requests and flags"].url).content.decode()
    assert "Stuck" in listed and "Done" not in listed


def test_ended_cycles_and_nothing_waiting_say_so(client):
    coordinator = CoordinatorFactory()
    from datetime import timedelta

    from django.utils import timezone

    _coordinating(coordinator, starts_on=timezone.localdate() - timedelta(days=400))
    client.force_login(coordinator)
    response = client.get(TODAY)
    assert response.context["today"].cycles == []
    assert "Nothing is waiting for you" in response.content.decode()


def test_next_matching_is_the_nearest_date_ahead(client):
    coordinator = CoordinatorFactory()
    program = ProgramFactory()
    program.coordinators.add(coordinator)
    later = OpenCycleFactory(program=program, name="Autumn")
    sooner = OpenCycleFactory(program=program, name="Summer", matching_on=later.matching_on - __import__("datetime").timedelta(days=3))
    client.force_login(coordinator)
    assert client.get(TODAY).context["today"].next_matching == sooner


def test_the_home_costs_the_same_queries_for_one_cycle_or_many(client, django_assert_num_queries):
    coordinator = CoordinatorFactory()
    cycle = _coordinating(coordinator)
    EnrollmentFactory(cycle=cycle, status=Enrollment.Status.PENDING)
    client.force_login(coordinator)
    client.get(TODAY)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(TODAY)
    for _ in range(5):
        more = _coordinating(coordinator)
        EnrollmentFactory.create_batch(2, cycle=more, status=Enrollment.Status.PENDING)
        PairFlag.objects.create(mentorship=MentorshipFactory(cycle=more), reason=PairFlag.Reason.values[0])
    with CaptureQueriesContext(connection) as many:
        client.get(TODAY)
    assert len(many) == len(one)


def test_a_mentor_only_participant_is_not_asked_to_add_goals(client):
    mentor = PersonFactory()
    cycle = CycleFactory()
    EnrollmentFactory(person=mentor, cycle=cycle, role=Enrollment.Role.MENTOR, status=Enrollment.Status.APPROVED)
    MentorshipFactory(cycle=cycle, mentor=mentor)
    client.force_login(mentor.user)
    texts = [todo.text for todo in client.get(reverse("programs:participant-home")).context["data"].todos]
    assert not any("development plan" in text for text in texts)

    mentee = PersonFactory()
    EnrollmentFactory(person=mentee, cycle=cycle, role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED)
    client.force_login(mentee.user)
    texts = [todo.text for todo in client.get(reverse("programs:participant-home")).context["data"].todos]
    assert any("development plan has no active goals" in text for text in texts)
