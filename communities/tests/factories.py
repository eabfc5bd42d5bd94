"""Factories for communities."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from communities.models import Community, Membership
from profiles.tests.factories import PersonFactory
from programs.tests.factories import ProgramFactory


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Data community {n}")
    slug = factory.Sequence(lambda n: f"data-community-{n}")
    program = factory.SubFactory(ProgramFactory)
    summary = "Practitioners of data analysis."


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    person = factory.SubFactory(PersonFactory)
    role = Membership.Role.MEMBER
