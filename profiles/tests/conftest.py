from __future__ import annotations

import pytest

from profiles.tests.factories import CoordinatorFactory, HRAnalystFactory, PersonFactory


@pytest.fixture
def person(db):
    return PersonFactory(first_name="Alex", last_name="Owner")


@pytest.fixture
def other(db):
    return PersonFactory(first_name="Blair", last_name="Other")


@pytest.fixture
def coordinator(db):
    """A coordinator with no employee record of their own."""
    return CoordinatorFactory()


@pytest.fixture
def hr_analyst(db):
    return HRAnalystFactory()
