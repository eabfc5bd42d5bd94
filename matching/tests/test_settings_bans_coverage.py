"""Per-cycle match settings, bans, and the skill-gap view for recruiting mentors."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from matching.models import MatchBan, MatchSettings
from profiles.tests.factories import DevelopmentGoalFactory, PersonSkillFactory, SkillFactory
from programs.models import Enrollment
from programs.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def _settings_post(**overrides):
    data = {
        "mode": "stable", "min_score": "4", "unmatched_penalty": "10", "k": "20", "allow_repeat_pairs": "on",
        "skill": "12", "skill_base": "0.5", "knowledge_transfer": "6", "mentor_skill": "1", "cross_department": "0",
        "location": "1", "timezone": "2", "tz_window_hours": "8", "format": "2", "mentor_department": "0.5",
        "choice_1": "40", "choice_2": "25", "choice_3": "10",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_coordinator_edits_the_cycles_match_settings(client, world, make_run):
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:settings", args=[world.cycle.pk]), _settings_post())
    assert response.status_code == 302
    stored = MatchSettings.objects.get(cycle=world.cycle)
    assert stored.mode == "stable" and stored.data["min_score"] == 4 and stored.data["weights"]["skill"] == 12
    assert stored.data["weights"]["choice"] == [40, 25, 10]
    world.cycle.refresh_from_db()
    assert world.cycle.allow_repeat_pairs is True
    assert AuditEntry.objects.filter(action="matching.settings").exists()
    run = make_run(world)
    assert run.mode == "stable" and run.settings["k"] == 20 and run.settings["weights"]["cross_department"] == 0
    # The form shows what was saved.
    form = client.get(reverse("matching:settings", args=[world.cycle.pk])).context["form"]
    assert form.initial["skill"] == 12 and form.initial["mode"] == "stable"


def test_settings_page_shows_the_scale(client, world):
    client.force_login(world.coordinator)
    page = client.get(reverse("matching:settings", args=[world.cycle.pk])).content.decode()
    assert "The scale: skill decides" in page
    assert "earns <strong>5</strong> points" in page and "at most <strong>3.5</strong> points, 35%" in page


@pytest.mark.parametrize("overrides, field, words", [
    ({"location": "4"}, None, "context points add up to 8.5"),
    ({"cross_department": "-5.5"}, None, "context points add up to 11"),
    ({"tz_window_hours": "0"}, "tz_window_hours", "more than 0"),
    ({"skill": "nan"}, "skill", "number"),
    ({"unmatched_penalty": "inf"}, "unmatched_penalty", "number"),
    ({"format": "-1"}, "format", "at least 0"),
    ({"skill_base": "1.5"}, "skill_base", "at most 1"),
])
def test_nonsense_settings_get_a_clear_message_never_a_500(client, world, overrides, field, words):
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:settings", args=[world.cycle.pk]), _settings_post(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors.get(field or "__all__")
    assert errors and any(words.lower() in e.lower() for e in errors), errors
    assert not MatchSettings.objects.exists()


def test_a_penalty_for_crossing_departments_and_match_everyone_are_saved(client, world):
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:settings", args=[world.cycle.pk]),
                           _settings_post(cross_department="-0.4", match_everyone="on"))
    assert response.status_code == 302
    world.cycle.refresh_from_db()
    assert world.cycle.match_everyone is True
    assert MatchSettings.objects.get(cycle=world.cycle).data["weights"]["cross_department"] == -0.4
    from matching.services.inputs import settings_for

    settings, _mode = settings_for(world.cycle)
    assert settings.match_everyone and settings.weights.cross_department == -0.4


def test_settings_saved_before_the_scale_was_fixed_are_explained(client, world):
    # old defaults: 3 + 2 + 2 + 2 context points against 10 of skill
    MatchSettings.objects.create(cycle=world.cycle, data={"weights": {
        "cross_department": 3, "location": 2, "timezone": 2, "format": 2}})
    client.force_login(world.coordinator)
    response = client.get(reverse("matching:settings", args=[world.cycle.pk]))
    assert response.status_code == 200
    assert "no longer fit the score" in response.content.decode()
    assert response.context["form"].initial["location"] == 0.75


def test_bad_settings_show_errors_and_keep_what_was_typed(client, world):
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:settings", args=[world.cycle.pk]), _settings_post(k="0", skill="lots"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "k" in form.errors and "skill" in form.errors
    assert form["min_score"].value() == "4"
    assert not MatchSettings.objects.exists()


def test_coordinator_bans_a_pair_with_a_reason_and_lifts_it(client, world):
    client.force_login(world.coordinator)
    url = reverse("matching:ban-create", args=[world.cycle.pk])
    missing = client.post(url, {"mentor": world.mentors[0].pk, "mentee": world.mentees[0].pk, "reason": ""})
    assert missing.status_code == 400 and not MatchBan.objects.exists()
    response = client.post(url, {"mentor": world.mentors[0].pk, "mentee": world.mentees[0].pk, "reason": "Related"})
    assert response.status_code == 302
    ban = MatchBan.objects.get()
    assert (ban.mentor, ban.mentee, ban.reason, ban.created_by) == (
        world.mentors[0], world.mentees[0], "Related", world.coordinator,
    )
    again = client.post(url, {"mentor": world.mentors[0].pk, "mentee": world.mentees[0].pk, "reason": "Again"})
    assert "already banned" in again.content.decode()
    client.post(reverse("matching:ban-delete", args=[ban.pk]))
    assert not MatchBan.objects.exists()


def test_skill_gaps_group_goals_no_available_mentor_can_teach(client, world):
    rare = SkillFactory(name="Treasury forecasting")
    for mentee in world.mentees[:2]:
        DevelopmentGoalFactory(person=mentee, skill=rare, target_level=4)
    # A mentor who knows it only at level 2 does not close a level-4 goal; an unapproved expert does not count.
    PersonSkillFactory(person=world.mentors[0], skill=rare, level=2, will_teach=True)
    outsider = EnrollmentFactory(cycle=world.cycle, role=Enrollment.Role.MENTOR, status=Enrollment.Status.PENDING)
    PersonSkillFactory(person=outsider.person, skill=rare, level=4, will_teach=True)
    client.force_login(world.coordinator)
    rows = client.get(reverse("matching:coverage", args=[world.cycle.pk])).context["rows"]
    assert [(r.skill, r.goals, r.mentees, r.best_level, r.targets) for r in rows] == [
        ("Treasury forecasting", 2, 2, 2, [4])
    ]
