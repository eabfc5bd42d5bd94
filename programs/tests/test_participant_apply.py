from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from profiles.models import GoalStatus
from profiles.tests.factories import (
    CoordinatorFactory,
    DepartmentFactory,
    DevelopmentGoalFactory,
    HRAnalystFactory,
    PersonFactory,
    PersonSkillFactory,
)
from programs.models import Enrollment, Program
from programs.services.applications import enrollment_apply
from programs.tests.factories import CycleFactory, EnrollmentFactory, OpenCycleFactory, ProgramFactory

pytestmark = pytest.mark.django_db
LIST = reverse("programs:apply-list")


def apply_url(cycle, role: str) -> str:
    return reverse("programs:apply", args=[cycle.pk, role])


# --- Access --------------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login_from_every_application_page():
    from django.test import Client

    client = Client()
    cycle = OpenCycleFactory()
    enrollment = EnrollmentFactory(cycle=cycle, status=Enrollment.Status.PENDING)
    for url in (LIST, apply_url(cycle, "mentee")):
        assert client.get(url).status_code == 302
    response = client.post(reverse("programs:enrollment-withdraw", args=[enrollment.pk]))
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.PENDING


def test_coordinator_and_hr_without_a_person_get_403(client):
    cycle = OpenCycleFactory()
    coordinator = CoordinatorFactory()
    cycle.program.coordinators.add(coordinator)
    for user in (coordinator, HRAnalystFactory()):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert client.get(apply_url(cycle, "mentee")).status_code == 403


def test_list_shows_only_cycles_accepting_applications(client):
    me = PersonFactory()
    OpenCycleFactory(name="Open now")
    CycleFactory(name="Already running")
    client.force_login(me.user)
    body = client.get(LIST).content.decode()
    assert "Open now" in body
    assert "Already running" not in body


def test_department_program_of_another_department_is_hidden_and_404(client):
    me = PersonFactory()
    other = ProgramFactory(scope=Program.Scope.DEPARTMENT, department=DepartmentFactory())
    cycle = OpenCycleFactory(program=other, name="Their department only")
    client.force_login(me.user)
    assert "Their department only" not in client.get(LIST).content.decode()
    assert client.get(apply_url(cycle, "mentee")).status_code == 404


def test_unknown_role_is_404(client):
    me = PersonFactory()
    client.force_login(me.user)
    assert client.get(apply_url(OpenCycleFactory(), "boss")).status_code == 404


# --- Mentee ------------------------------------------------------------------------------------
def test_mentee_applies_with_goals_from_their_idp(client):
    me = PersonFactory()
    goal = DevelopmentGoalFactory(person=me)
    cycle = OpenCycleFactory()
    client.force_login(me.user)

    response = client.post(apply_url(cycle, "mentee"), {"goals": [goal.pk], "motivation": "Grow into a lead"})

    assert response.status_code == 302
    enrollment = Enrollment.objects.get(person=me, cycle=cycle)
    assert enrollment.role == Enrollment.Role.MENTEE
    assert enrollment.status == Enrollment.Status.PENDING
    assert list(enrollment.goals.all()) == [goal]
    assert enrollment.motivation == "Grow into a lead"


def test_mentee_without_active_goals_is_told_to_fill_the_idp(client, settings):
    me = PersonFactory()
    DevelopmentGoalFactory(person=me, status=GoalStatus.DROPPED)
    cycle = OpenCycleFactory()
    client.force_login(me.user)
    response = client.get(apply_url(cycle, "mentee"))
    assert "no active goals in your development plan" in response.content.decode()

    response = client.post(apply_url(cycle, "mentee"), {"motivation": "Kept text"})
    assert response.status_code == 200
    assert "Choose at least one goal" in response.content.decode()
    assert "Kept text" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_mentee_cannot_submit_someone_elses_goal(client):
    me = PersonFactory()
    DevelopmentGoalFactory(person=me)
    theirs = DevelopmentGoalFactory()
    cycle = OpenCycleFactory()
    client.force_login(me.user)
    response = client.post(apply_url(cycle, "mentee"), {"goals": [theirs.pk]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_service_rejects_a_goal_from_another_persons_idp():
    me = PersonFactory()
    with pytest.raises(ValidationError, match="your own development plan"):
        enrollment_apply(cycle=OpenCycleFactory(), person=me, role="mentee", goals=[DevelopmentGoalFactory()])


def test_applying_after_the_window_says_when_it_closed_and_keeps_typed_values(client):
    me = PersonFactory()
    goal = DevelopmentGoalFactory(person=me)
    closed_on = timezone.localdate() - timedelta(days=1)
    cycle = OpenCycleFactory(applications_open_on=closed_on - timedelta(days=10), applications_close_on=closed_on)
    client.force_login(me.user)

    response = client.post(apply_url(cycle, "mentee"), {"goals": [goal.pk], "motivation": "My typed reason"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Applications for this cycle closed on" in body
    assert "My typed reason" in body
    assert not Enrollment.objects.exists()


def test_closed_window_is_announced_before_typing(client):
    me = PersonFactory()
    cycle = CycleFactory()  # applications closed a month ago
    client.force_login(me.user)
    assert "Applications for this cycle closed on" in client.get(apply_url(cycle, "mentor")).content.decode()


def test_applying_twice_in_the_same_role_says_so(client):
    me = PersonFactory()
    goal = DevelopmentGoalFactory(person=me)
    cycle = OpenCycleFactory()
    EnrollmentFactory(person=me, cycle=cycle, status=Enrollment.Status.PENDING)
    client.force_login(me.user)
    response = client.post(apply_url(cycle, "mentee"), {"goals": [goal.pk]})
    assert "already applied to this cycle as a mentee" in response.content.decode()
    assert Enrollment.objects.count() == 1


def test_applying_again_after_withdrawing_reuses_the_application():
    me = PersonFactory()
    goal = DevelopmentGoalFactory(person=me)
    cycle = OpenCycleFactory()
    old = EnrollmentFactory(person=me, cycle=cycle, status=Enrollment.Status.WITHDRAWN)
    enrollment = enrollment_apply(cycle=cycle, person=me, role="mentee", goals=[goal])
    assert enrollment.pk == old.pk
    assert enrollment.status == Enrollment.Status.PENDING


# --- Mentor ------------------------------------------------------------------------------------
def test_mentor_applies_with_capacity_and_sees_their_skills(client):
    me = PersonFactory()
    PersonSkillFactory(person=me, skill__name="Procurement law")
    cycle = OpenCycleFactory()
    client.force_login(me.user)
    assert "Procurement law" in client.get(apply_url(cycle, "mentor")).content.decode()

    response = client.post(apply_url(cycle, "mentor"), {"capacity": 3, "motivation": "Give back"})

    assert response.status_code == 302
    enrollment = Enrollment.objects.get(person=me)
    assert (enrollment.role, enrollment.capacity) == ("mentor", 3)


@pytest.mark.parametrize("capacity,message", [(0, "at least 1"), (11, "at most 10"), ("lots", "Enter a whole number")])
def test_mentor_capacity_out_of_range_is_refused(client, capacity, message):
    me = PersonFactory()
    PersonSkillFactory(person=me)
    client.force_login(me.user)
    response = client.post(apply_url(OpenCycleFactory(), "mentor"), {"capacity": capacity})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Enrollment.objects.exists()


def test_mentor_without_teachable_skills_is_warned_and_must_confirm(client):
    me = PersonFactory()
    PersonSkillFactory(person=me, will_teach=False)
    cycle = OpenCycleFactory()
    client.force_login(me.user)
    assert "not marked any skill" in client.get(apply_url(cycle, "mentor")).content.decode()

    response = client.post(apply_url(cycle, "mentor"), {"capacity": 2})
    assert response.status_code == 200
    assert "confirm that you apply anyway" in response.content.decode()
    assert not Enrollment.objects.exists()

    response = client.post(apply_url(cycle, "mentor"), {"capacity": 2, "without_teachable_skills": "on"})
    assert response.status_code == 302
    assert Enrollment.objects.filter(person=me, role="mentor").exists()


def test_the_same_person_may_apply_as_mentor_and_as_mentee():
    me = PersonFactory()
    PersonSkillFactory(person=me)
    cycle = OpenCycleFactory()
    enrollment_apply(cycle=cycle, person=me, role="mentor", capacity=1)
    enrollment_apply(cycle=cycle, person=me, role="mentee", goals=[DevelopmentGoalFactory(person=me)])
    assert Enrollment.objects.filter(person=me, cycle=cycle).count() == 2


# --- Withdrawing -------------------------------------------------------------------------------
def test_i_can_withdraw_my_pending_application(client):
    me = PersonFactory()
    enrollment = EnrollmentFactory(person=me, cycle=OpenCycleFactory(), status=Enrollment.Status.PENDING)
    client.force_login(me.user)
    response = client.post(reverse("programs:enrollment-withdraw", args=[enrollment.pk]))
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN


def test_an_approved_application_cannot_be_withdrawn_here(client):
    me = PersonFactory()
    enrollment = EnrollmentFactory(person=me, status=Enrollment.Status.APPROVED)
    client.force_login(me.user)
    response = client.post(reverse("programs:enrollment-withdraw", args=[enrollment.pk]), follow=True)
    assert "can no longer be withdrawn" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.APPROVED


def test_withdrawing_someone_elses_application_is_404(client):
    me = PersonFactory()
    theirs = EnrollmentFactory(status=Enrollment.Status.PENDING)
    client.force_login(me.user)
    assert client.post(reverse("programs:enrollment-withdraw", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Enrollment.Status.PENDING


def test_withdraw_needs_post(client):
    me = PersonFactory()
    enrollment = EnrollmentFactory(person=me, status=Enrollment.Status.PENDING)
    client.force_login(me.user)
    assert client.get(reverse("programs:enrollment-withdraw", args=[enrollment.pk])).status_code == 405
