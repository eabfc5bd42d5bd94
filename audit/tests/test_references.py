import pytest
from django.utils import timezone

from audit.references import FORMER, person_ref, render, user_ref
from profiles.models import Person
from profiles.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_references_render_as_current_names_and_removed_people_as_former(django_assert_num_queries):
    ann, bob = PersonFactory(first_name="Ann", last_name="Lee"), PersonFactory(first_name="Bob", last_name="Ng")
    login = UserFactory(email="casey@example.gov")
    Person.objects.filter(pk=bob.pk).update(anonymised_at=timezone.now())
    summaries = [f"Paired {person_ref(ann)} with {person_ref(bob)}", f"{user_ref(login)}: coordinator=on",
                 "{person:999999} left", "{nosuchkind:1} stays unnamed", "plain {text}"]  # fmt: skip
    with django_assert_num_queries(2):  # one per kind of reference, whatever the number of entries
        rendered = render(summaries)
    assert rendered == [
        f"Paired Ann Lee with {FORMER}", "casey@example.gov: coordinator=on", f"{FORMER} left",
        f"{FORMER} stays unnamed", "plain {text}",
    ]  # fmt: skip


def test_a_renamed_person_is_shown_by_their_new_name():
    person = PersonFactory(first_name="Ann", last_name="Lee")
    summary = f"Paired {person_ref(person)}"
    Person.objects.filter(pk=person.pk).update(last_name="Lee-Park")
    assert render([summary]) == ["Paired Ann Lee-Park"]
