"""Factories for survey templates, surveys, questions and invitations."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from profiles.tests.factories import PersonFactory
from programs.tests.factories import CycleFactory
from surveys import tokens
from surveys.models import Audience, Invitation, Question, QuestionKind, Survey, SurveyTemplate


class SurveyTemplateFactory(DjangoModelFactory):
    class Meta:
        model = SurveyTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    anonymous = True
    audience = Audience.BOTH


class SurveyFactory(DjangoModelFactory):
    """A survey whose window includes today, not opened yet."""

    class Meta:
        model = Survey

    cycle = factory.SubFactory(CycleFactory)
    title = factory.Sequence(lambda n: f"Survey {n}")
    anonymous = True
    audience = Audience.BOTH
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=13))


class OpenSurveyFactory(SurveyFactory):
    opened_at = factory.LazyFunction(timezone.now)


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n)
    kind = QuestionKind.LIKERT
    text = factory.Sequence(lambda n: f"Question {n}")
    required = True


class InvitationFactory(DjangoModelFactory):
    """An invitation; the raw link token is on `.token` (the database only has its hash)."""

    class Meta:
        model = Invitation
        skip_postgeneration_save = True

    survey = factory.SubFactory(OpenSurveyFactory)
    person = factory.SubFactory(PersonFactory)
    role = "mentee"
    nonce = factory.LazyFunction(tokens.new_nonce)
    token_hash = factory.LazyAttribute(lambda o: tokens.hash_token(tokens.token_for(o.nonce)))

    @factory.post_generation
    def token(obj, create, extracted, **kwargs):  # noqa: ANN001, ANN201, N805
        obj.token = tokens.token_for(obj.nonce)
