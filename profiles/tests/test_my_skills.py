from __future__ import annotations

import pytest
from django.urls import reverse

from profiles.models import PersonSkill
from profiles.tests.factories import PersonSkillFactory, SkillFactory

pytestmark = pytest.mark.django_db
URL = reverse("profiles:skills")


def _management(total: int, initial: int) -> dict:
    return {
        "skills-TOTAL_FORMS": str(total),
        "skills-INITIAL_FORMS": str(initial),
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "200",
    }


def test_owner_adds_skills_with_levels(client, person):
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    client.force_login(person.user)
    assert client.get(URL).status_code == 200
    data = _management(3, 0) | {
        "skills-0-skill": python.pk, "skills-0-level": "4", "skills-0-will_teach": "on",
        "skills-1-skill": sql.pk, "skills-1-level": "2",
        "skills-2-skill": "", "skills-2-level": "",
    }
    response = client.post(URL, data)
    assert response.status_code == 302
    rows = {r.skill.name: (r.level, r.will_teach) for r in PersonSkill.objects.filter(person=person)}
    assert rows == {"Python": (4, True), "SQL": (2, False)}


def test_the_same_skill_twice_is_refused_with_a_clear_message(client, person):
    python = SkillFactory(name="Python")
    client.force_login(person.user)
    data = _management(2, 0) | {
        "skills-0-skill": python.pk, "skills-0-level": "4",
        "skills-1-skill": python.pk, "skills-1-level": "2",
    }
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "You listed “Python” twice. Keep one row per skill." in response.content.decode()
    assert not PersonSkill.objects.exists()


def test_owner_changes_a_level_and_removes_a_skill(client, person, other):
    kept = PersonSkillFactory(person=person, level=2, will_teach=False)
    dropped = PersonSkillFactory(person=person)
    theirs = PersonSkillFactory(person=other, skill=kept.skill)
    client.force_login(person.user)
    rows = sorted([kept, dropped], key=lambda r: r.skill.name)
    data = _management(2, 2)
    for i, row in enumerate(rows):
        data |= {f"skills-{i}-id": row.pk, f"skills-{i}-person": person.pk, f"skills-{i}-skill": row.skill_id,
                 f"skills-{i}-level": "3" if row == kept else row.level}
        if row == dropped:
            data[f"skills-{i}-DELETE"] = "on"
    response = client.post(URL, data)
    assert response.status_code == 302
    assert list(PersonSkill.objects.filter(person=person).values_list("skill_id", "level")) == [(kept.skill_id, 3)]
    assert PersonSkill.objects.filter(pk=theirs.pk).exists()


def test_a_row_with_a_level_but_no_skill_is_pointed_out(client, person):
    client.force_login(person.user)
    data = _management(1, 0) | {"skills-0-skill": "", "skills-0-level": "3"}
    response = client.post(URL, data)
    assert "Choose a skill, or leave the whole row empty." in response.content.decode()


def test_another_persons_row_id_cannot_be_edited_from_my_form(client, person, other):
    theirs = PersonSkillFactory(person=other, level=1)
    client.force_login(person.user)
    data = _management(1, 1) | {"skills-0-id": theirs.pk, "skills-0-skill": theirs.skill_id, "skills-0-level": "4"}
    response = client.post(URL, data)
    assert response.status_code in (200, 302)
    theirs.refresh_from_db()
    assert (theirs.person_id, theirs.level) == (other.pk, 1)


def test_skills_page_queries_do_not_grow_with_rows(client, person, django_assert_max_num_queries):
    for _ in range(25):
        PersonSkillFactory(person=person)
    client.force_login(person.user)
    with django_assert_max_num_queries(10):
        assert client.get(URL).status_code == 200


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_a_save_racing_another_window_says_so_instead_of_failing(client, person, monkeypatch):
    from django.db import IntegrityError

    from profiles import services

    def collide(**kwargs):
        raise IntegrityError("unique_person_skill")

    monkeypatch.setattr(services, "person_skills_set", collide)
    skill = SkillFactory()
    client.force_login(person.user)
    data = _management(1, 0) | {"skills-0-skill": skill.pk, "skills-0-level": "2"}
    response = client.post(URL, data, follow=True)
    assert "changed elsewhere at the same time" in response.content.decode()
