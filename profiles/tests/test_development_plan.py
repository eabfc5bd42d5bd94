from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.models import DevelopmentGoal, GoalProgressNote
from profiles.tests.factories import DevelopmentGoalFactory, SkillFactory

pytestmark = pytest.mark.django_db


def test_owner_sees_only_their_own_goals(client, person, other):
    DevelopmentGoalFactory(person=person, skill=SkillFactory(name="Negotiation"))
    DevelopmentGoalFactory(person=other, skill=SkillFactory(name="Secret ambition"))
    client.force_login(person.user)
    html = client.get(reverse("profiles:idp")).content.decode()
    assert "Negotiation to level 3" in html
    assert "Secret ambition" not in html


def test_idp_queries_do_not_grow_with_goals(client, person, django_assert_max_num_queries):
    for _ in range(20):
        goal = DevelopmentGoalFactory(person=person)
        GoalProgressNote.objects.create(goal=goal, author=person, text="Going well")
    client.force_login(person.user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("profiles:idp")).status_code == 200


def test_owner_adds_a_goal_with_a_skill_or_an_aim(client, person):
    skill = SkillFactory(name="Public speaking")
    client.force_login(person.user)
    response = client.post(
        reverse("profiles:goal-create"),
        {"skill": skill.pk, "target_level": "3", "priority": "1", "status": "active", "target_date": "2027-03-01"},
    )
    assert response.status_code == 302
    response = client.post(reverse("profiles:goal-create"), {"aim": "Lead a cross-agency project", "priority": "2", "status": "active"})
    assert response.status_code == 302
    assert sorted(g.label for g in DevelopmentGoal.objects.filter(person=person)) == [
        "Lead a cross-agency project",
        "Public speaking to level 3",
    ]


def test_a_goal_without_skill_or_aim_is_explained_once_and_keeps_what_was_typed(client, person):
    client.force_login(person.user)
    response = client.post(reverse("profiles:goal-create"), {"priority": "3", "status": "active", "target_date": "2027-06-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Name a skill or describe an aim for this goal.") == 1
    assert 'value="2027-06-30"' in html
    assert '<option value="3" selected>' in html
    assert not DevelopmentGoal.objects.exists()


def test_a_target_level_needs_a_skill(client, person):
    client.force_login(person.user)
    response = client.post(reverse("profiles:goal-create"), {"aim": "Grow", "target_level": "4", "priority": "2", "status": "active"})
    assert "A target level needs a skill." in response.content.decode()


def test_owner_edits_and_deletes_a_goal(client, person):
    goal = DevelopmentGoalFactory(person=person)
    client.force_login(person.user)
    assert client.get(reverse("profiles:goal-edit", args=[goal.pk])).status_code == 200
    response = client.post(
        reverse("profiles:goal-edit", args=[goal.pk]),
        {"skill": goal.skill_id, "target_level": "4", "priority": "1", "status": "achieved"},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.target_level, goal.status) == (4, "achieved")
    assert goal.achieved_on == timezone.localdate()
    assert client.get(reverse("profiles:goal-delete", args=[goal.pk])).status_code == 200
    assert client.post(reverse("profiles:goal-delete", args=[goal.pk])).status_code == 302
    assert not DevelopmentGoal.objects.filter(pk=goal.pk).exists()


@pytest.mark.parametrize("name", ["profiles:goal-edit", "profiles:goal-delete"])
def test_another_persons_goal_is_not_found(client, person, other, name):
    goal = DevelopmentGoalFactory(person=other)
    client.force_login(person.user)
    assert client.get(reverse(name, args=[goal.pk])).status_code == 404
    assert client.post(reverse(name, args=[goal.pk]), {"aim": "hijack", "priority": "1", "status": "active"}).status_code == 404
    assert DevelopmentGoal.objects.filter(pk=goal.pk, aim="").exists()


def test_coordinator_without_a_record_cannot_reach_goal_pages(client, coordinator, other):
    goal = DevelopmentGoalFactory(person=other)
    client.force_login(coordinator)
    response = client.get(reverse("profiles:goal-edit", args=[goal.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("profiles:no-profile")


@pytest.mark.parametrize("name", ["profiles:idp", "profiles:goal-create"])
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
