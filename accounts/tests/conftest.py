from __future__ import annotations

import pytest
from django.core.cache import cache

from profiles.tests.factories import CoordinatorFactory, HRAnalystFactory, PersonFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth keeps its login rate limits in the cache, which outlives each test's transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person(db):
    return PersonFactory()


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory()


@pytest.fixture
def hr_analyst(db):
    return HRAnalystFactory()
