from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from profiles.tests.factories import CoordinatorFactory, DepartmentFactory
from programs.models import Enrollment, PairFlag, Program
from programs.tests.coordinator_world import make_world
from programs.tests.factories import CycleFactory, EnrollmentFactory, EventFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


def _fill(cycle, pairs: int) -> None:
    EnrollmentFactory.create_batch(2, cycle=cycle, status=Enrollment.Status.PENDING)
    for pair in MentorshipFactory.create_batch(pairs, cycle=cycle):
        PairFlag.objects.create(mentorship=pair, reason=PairFlag.Reason.NO_MEETINGS)
    EventFactory(cycle=cycle, title="Next social", starts_at=timezone.now() + timedelta(days=3))


def test_home_shows_my_programs_with_cycle_counts_and_not_others(client):
    world = make_world()
    _fill(world.cycle, pairs=2)
    MentorshipFactory(cycle=world.cycle, status="ended")
    other = CycleFactory()
    client.force_login(world.coordinator)
    response = client.get(reverse("programs:coordinator-home"))
    assert response.status_code == 200
    [program] = response.context["programs"]
    assert program == world.program
    [cycle] = program.cycles.all()
    assert (cycle.pending_count, cycle.active_pairs, cycle.at_risk_pairs) == (2, 2, 2)
    assert cycle.next_event_title == "Next social"
    assert other.program.name not in response.content.decode()


def test_home_query_count_does_not_grow_with_programs_and_cycles(client, django_assert_max_num_queries):
    world = make_world()
    _fill(world.cycle, pairs=1)
    client.force_login(world.coordinator)
    client.get(reverse("programs:coordinator-home"))  # warm per-process caches
    with django_assert_max_num_queries(10):
        client.get(reverse("programs:coordinator-home"))
    for _ in range(4):
        program = CycleFactory().program
        program.coordinators.add(world.coordinator)
        _fill(CycleFactory(program=program), pairs=3)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("programs:coordinator-home"))
    assert len(response.context["programs"]) == 5


def test_creating_a_program_makes_me_its_coordinator(client):
    coordinator = CoordinatorFactory()
    department = DepartmentFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:program-create"),
        {"name": "Finance mentoring", "slug": "finance", "scope": "department", "department": department.pk},
    )
    program = Program.objects.get(slug="finance")
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:cycle-create", args=["finance"])
    assert list(program.coordinators.all()) == [coordinator]
    assert AuditEntry.objects.filter(action="program.create").exists()


def test_department_scope_needs_a_department_and_keeps_what_was_typed(client):
    client.force_login(CoordinatorFactory())
    response = client.post(
        reverse("programs:program-create"), {"name": "Typed name", "slug": "typed", "scope": "department"}
    )
    assert response.status_code == 200
    assert "A department-wide program needs its department. To open it to every department, choose Cross-agency." in response.content.decode()
    assert "Typed name" in response.content.decode()
    assert not Program.objects.exists()


def test_editing_a_program_changes_coordinators_but_never_removes_me(client):
    world = make_world()
    colleague = CoordinatorFactory()
    client.force_login(world.coordinator)
    response = client.post(
        reverse("programs:program-edit", args=[world.program.slug]),
        {"name": "Renamed", "slug": world.program.slug, "scope": "cross_agency", "coordinators": [colleague.pk]},
    )
    assert response.status_code == 302
    world.program.refresh_from_db()
    assert world.program.name == "Renamed"
    assert set(world.program.coordinators.all()) == {colleague, world.coordinator}
