"""A small world for coordinator page tests: a program and its coordinator, plus everyone who must be kept out."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from profiles.models import Person
from profiles.tests.factories import CoordinatorFactory, HRAnalystFactory, PersonFactory
from programs.models import Cycle, Program
from programs.tests.factories import CycleFactory, ProgramFactory


@dataclass
class World:
    program: Program
    cycle: Cycle
    coordinator: User
    other_coordinator: User  # runs another program only
    participant: Person
    hr: User


def make_world() -> World:
    program = ProgramFactory()
    coordinator = CoordinatorFactory()
    program.coordinators.add(coordinator)
    other_program = ProgramFactory()
    other_coordinator = CoordinatorFactory()
    other_program.coordinators.add(other_coordinator)
    return World(
        program=program,
        cycle=CycleFactory(program=program),
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        participant=PersonFactory(),
        hr=HRAnalystFactory(),
    )
