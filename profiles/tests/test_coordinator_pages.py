from __future__ import annotations

import pytest
from django.urls import reverse

from profiles.models import Skill, SkillCategory
from profiles.tests.factories import (
    DepartmentFactory,
    DevelopmentGoalFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillCategoryFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db
PEOPLE = reverse("profiles:people")
CATALOGUE = reverse("profiles:skill-catalogue")


def _rows(response) -> list[str]:
    return [p.full_name for p in response.context["page"].object_list]


def test_coordinator_searches_the_roster_and_sees_who_has_a_login(client, coordinator):
    finance = DepartmentFactory(name="Finance", code="FIN")
    PersonFactory(first_name="Hana", last_name="Login", department=finance)
    PersonFactory(first_name="Ivo", last_name="Nologin", department=finance, user=None)
    PersonFactory(first_name="Jo", last_name="Elsewhere")
    client.force_login(coordinator)
    response = client.get(PEOPLE, {"q": "finance"})
    assert _rows(response) == ["Hana Login", "Ivo Nologin"]
    html = response.content.decode()
    assert 'name="person"' in html and "Invite Ivo Nologin" in html and "Invite Hana Login" not in html
    assert _rows(client.get(PEOPLE, {"login": "no", "department": finance.pk})) == ["Ivo Nologin"]
    assert _rows(client.get(PEOPLE, {"q": "ivo"})) == ["Ivo Nologin"]


def test_people_list_query_count_is_fixed(client, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    for _ in range(3):
        PersonFactory(), PersonFactory(user=None)
    with django_assert_max_num_queries(12) as small:
        client.get(PEOPLE)
    for _ in range(40):
        PersonFactory(), PersonFactory(user=None)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(PEOPLE)
    assert len(response.context["page"].object_list) == 50


@pytest.mark.parametrize("url", [PEOPLE, CATALOGUE, reverse("profiles:skill-create"), reverse("profiles:category-create")])
def test_roster_and_catalogue_are_for_coordinators_only(client, person, hr_analyst, url):
    client.force_login(person.user)
    assert client.get(url).status_code == 403
    client.force_login(hr_analyst)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_coordinator_manages_categories_and_skills(client, coordinator):
    client.force_login(coordinator)
    assert client.post(reverse("profiles:category-create"), {"name": "Data"}).status_code == 302
    category = SkillCategory.objects.get(name="Data")
    assert client.post(reverse("profiles:skill-create"), {"name": "SQL", "category": category.pk}).status_code == 302
    skill = Skill.objects.get(name="SQL")
    response = client.post(
        reverse("profiles:skill-edit", args=[skill.pk]), {"name": "SQL and databases", "category": category.pk, "description": "Queries"}
    )
    assert response.status_code == 302
    assert client.post(reverse("profiles:category-edit", args=[category.pk]), {"name": "Data and analytics"}).status_code == 302
    html = client.get(CATALOGUE).content.decode()
    assert "Data and analytics" in html and "SQL and databases" in html


def test_a_duplicate_skill_name_is_refused_on_the_form(client, coordinator):
    existing = SkillFactory(name="Python")
    client.force_login(coordinator)
    response = client.post(reverse("profiles:skill-create"), {"name": "Python", "category": existing.category_id})
    assert response.status_code == 200
    assert "Skill with this Name already exists." in response.content.decode()
    assert Skill.objects.filter(name="Python").count() == 1


def test_deleting_an_unused_skill_works(client, coordinator):
    skill = SkillFactory(name="Obsolete")
    client.force_login(coordinator)
    response = client.post(reverse("profiles:skill-delete", args=[skill.pk]), follow=True)
    assert "Skill deleted: Obsolete." in response.content.decode()
    assert not Skill.objects.filter(pk=skill.pk).exists()


@pytest.mark.parametrize("use", ["profile", "plan"])
def test_deleting_a_skill_in_use_is_refused_with_a_message(client, coordinator, use):
    skill = SkillFactory(name="Budgeting")
    if use == "profile":
        PersonSkillFactory(skill=skill)
    else:
        DevelopmentGoalFactory(skill=skill)
    client.force_login(coordinator)
    response = client.post(reverse("profiles:skill-delete", args=[skill.pk]), follow=True)
    assert "“Budgeting” is in use" in response.content.decode()
    assert Skill.objects.filter(pk=skill.pk).exists()


def test_skill_delete_needs_post_and_a_coordinator(client, person):
    skill = SkillFactory()
    client.force_login(person.user)
    assert client.post(reverse("profiles:skill-delete", args=[skill.pk])).status_code == 403
    assert Skill.objects.filter(pk=skill.pk).exists()


def test_catalogue_query_count_is_fixed(client, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    category = SkillCategoryFactory()
    for _ in range(3):
        PersonSkillFactory(skill=SkillFactory(category=category))
    with django_assert_max_num_queries(10) as small:
        client.get(CATALOGUE)
    for _ in range(5):
        other = SkillCategoryFactory()
        for _ in range(5):
            PersonSkillFactory(skill=SkillFactory(category=other))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(CATALOGUE)
