from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from profiles.models import GoalProgressNote
from profiles.tests.factories import (
    DepartmentFactory,
    DevelopmentGoalFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db
DIRECTORY = reverse("profiles:directory")


def _names(response) -> set[str]:
    return {p.full_name for p in response.context["page"].object_list}


def test_search_by_skill_and_minimum_level_applies_the_level_to_that_skill(client, person):
    python, excel = SkillFactory(name="Python"), SkillFactory(name="Excel")
    expert = PersonFactory(first_name="Eve", last_name="Expert")
    PersonSkillFactory(person=expert, skill=python, level=4)
    novice = PersonFactory(first_name="Nick", last_name="Novice")
    PersonSkillFactory(person=novice, skill=python, level=1)
    PersonSkillFactory(person=novice, skill=excel, level=4)  # expert in something else
    client.force_login(person.user)
    response = client.get(DIRECTORY, {"skill": python.pk, "min_level": "3"})
    assert _names(response) == {"Eve Expert"}
    assert _names(client.get(DIRECTORY, {"skill": python.pk})) == {"Eve Expert", "Nick Novice"}


def test_filters_for_department_location_and_willing_to_mentor(client, person):
    tax = DepartmentFactory(name="Tax Office", code="TAX")
    PersonFactory(first_name="Mia", last_name="Mentor", department=tax, office_location="Austin field office", willing_to_mentor=True)
    PersonFactory(first_name="Ned", last_name="Notnow", department=tax, office_location="Austin", willing_to_mentor=False)
    PersonFactory(first_name="Ola", last_name="Elsewhere", office_location="Austin", willing_to_mentor=True)
    client.force_login(person.user)
    response = client.get(DIRECTORY, {"department": tax.pk, "location": "austin", "willing_to_mentor": "on"})
    assert _names(response) == {"Mia Mentor"}


def test_people_who_left_are_not_listed(client, person):
    PersonFactory(first_name="Gone", last_name="Away", separated_on=date(2025, 1, 1))
    client.force_login(person.user)
    assert "Gone Away" not in _names(client.get(DIRECTORY, {"query": "Gone"}))


def _people_with_skills(count: int, skill) -> None:
    for _ in range(count):
        someone = PersonFactory()
        PersonSkillFactory(person=someone, skill=skill, level=4)
        PersonSkillFactory(person=someone)


def test_directory_query_count_is_fixed_whatever_the_data_size(client, person, django_assert_max_num_queries):
    skill = SkillFactory(name="Grants")
    client.force_login(person.user)
    _people_with_skills(3, skill)
    with django_assert_max_num_queries(12) as small:
        client.get(DIRECTORY, {"skill": skill.pk, "min_level": "2"})
    _people_with_skills(40, skill)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(DIRECTORY, {"skill": skill.pk, "min_level": "2"})
    assert response.context["page"].paginator.count == 43
    assert len(response.context["page"].object_list) == 20


def test_directory_is_for_participants_and_coordinators(client, coordinator, hr_analyst):
    client.force_login(coordinator)
    assert client.get(DIRECTORY).status_code == 200
    client.force_login(hr_analyst)
    assert client.get(DIRECTORY).status_code == 403
    client.logout()
    assert client.get(DIRECTORY).status_code == 302


def test_person_card_shows_skills_and_bio_but_never_the_plan(client, person, other):
    other.bio = "I run the grants desk."
    other.willing_to_mentor = True
    other.save()
    PersonSkillFactory(person=other, skill=SkillFactory(name="Grant writing"), level=4)
    goal = DevelopmentGoalFactory(person=other, skill=None, target_level=None, aim="Become a director")
    GoalProgressNote.objects.create(goal=goal, author=other, text="Confidential worry")
    client.force_login(person.user)
    html = client.get(other.get_absolute_url()).content.decode()
    assert other.full_name in html and "I run the grants desk." in html
    assert "Grant writing" in html and "4 – Expert" in html
    assert "Willing to mentor" in html
    assert "Become a director" not in html and "Confidential worry" not in html


def test_person_card_access(client, other, coordinator, hr_analyst):
    url = other.get_absolute_url()
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    client.force_login(hr_analyst)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_card_of_someone_who_left_or_never_existed_is_not_found(client, person):
    gone = PersonFactory(separated_on=date(2025, 1, 1))
    client.force_login(person.user)
    assert client.get(gone.get_absolute_url()).status_code == 404
    assert client.get(reverse("profiles:person-detail", args=[999999])).status_code == 404


def test_a_level_without_a_skill_lists_each_person_once(client, person):
    many = PersonFactory(first_name="Many", last_name="Skills")
    for _ in range(3):
        PersonSkillFactory(person=many, level=4)
    client.force_login(person.user)
    response = client.get(DIRECTORY, {"min_level": "4"})
    assert [p.full_name for p in response.context["page"].object_list] == ["Many Skills"]
    assert response.context["page"].paginator.count == 1
