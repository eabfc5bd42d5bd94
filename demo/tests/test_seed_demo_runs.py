"""seed_demo runs that need an empty database: determinism across runs, --if-empty on nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from demo.services import demo_digest
from profiles.models import Person
from programs.models import Mentorship

PEOPLE = 300

pytestmark = pytest.mark.django_db


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", people=PEOPLE, password="demo-password-for-tests", stdout=out, **options)
    return out.getvalue()


class _Rollback(Exception):
    pass


def _digest_of_a_run(seed_value: int) -> str:
    """Seed inside a savepoint, fingerprint it, roll it back: the next run starts from empty."""
    try:
        with transaction.atomic():
            seed(seed=seed_value)
            digest = demo_digest()
            raise _Rollback
    except _Rollback:
        pass
    assert not Person.objects.exists()
    return digest


def test_the_same_seed_gives_the_same_people_and_pairs_and_another_seed_does_not() -> None:
    first, second, other = _digest_of_a_run(1), _digest_of_a_run(1), _digest_of_a_run(2)
    assert first == second
    assert other != first


def test_if_empty_loads_an_empty_database() -> None:
    output = seed(if_empty=True)
    assert "loaded in" in output and "digest=" in output
    assert Person.objects.count() == PEOPLE
    # Finished and running cycles of the department program, and the exchange's running cohort.
    assert Mentorship.objects.values("cycle").annotate(n=Count("pk")).count() == 3


def test_a_database_with_clashing_data_gets_a_clear_message_and_no_half_demo() -> None:
    from django.core.management import CommandError

    from profiles.models import Department

    Department.objects.create(name="Finance", code="FIN-OLD")
    with pytest.raises(CommandError, match="clashes with the demo"):
        seed()
    assert not Person.objects.exists()
    assert Department.objects.count() == 1


def test_too_small_a_headcount_is_refused_before_anything_is_written() -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="at least 100"):
        call_command("seed_demo", people=20, stdout=StringIO())
    assert not Person.objects.exists()
