"""Factories for programs, cycles, events, applications, pairs and meetings."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from profiles.tests.factories import PersonFactory
from programs.models import RSVP, Cycle, Enrollment, Event, Meeting, Mentorship, Program


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")


class CycleFactory(DjangoModelFactory):
    """A running cycle: started a month ago, applications closed."""

    class Meta:
        model = Cycle

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cycle {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda c: c.starts_on + timedelta(days=182))
    applications_open_on = factory.LazyAttribute(lambda c: c.starts_on - timedelta(days=60))
    applications_close_on = factory.LazyAttribute(lambda c: c.starts_on - timedelta(days=30))
    matching_on = factory.LazyAttribute(lambda c: c.starts_on - timedelta(days=14))


class OpenCycleFactory(CycleFactory):
    """A cycle accepting applications today."""

    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    applications_open_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))
    applications_close_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    matching_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=15))


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    cycle = factory.SubFactory(CycleFactory)
    program = factory.SelfAttribute("cycle.program")
    kind = Event.Kind.SOCIAL
    title = factory.Sequence(lambda n: f"Networking social {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=2))
    location = "Main building, room 101"


class RSVPFactory(DjangoModelFactory):
    class Meta:
        model = RSVP

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    status = RSVP.Status.GOING


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    cycle = factory.SubFactory(CycleFactory)
    person = factory.SubFactory(PersonFactory)
    role = Enrollment.Role.MENTEE
    status = Enrollment.Status.APPROVED


class MentorshipFactory(DjangoModelFactory):
    class Meta:
        model = Mentorship

    cycle = factory.SubFactory(CycleFactory)
    mentor = factory.SubFactory(PersonFactory, title="Senior Engineer")
    mentee = factory.SubFactory(PersonFactory)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    mentorship = factory.SubFactory(MentorshipFactory)
    scheduled_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    status = Meeting.Status.HELD
    private_notes = "Talked about the budget process."
