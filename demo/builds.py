"""What the builders pass each other: a cycle with its people and pairs, and the whole program."""

from __future__ import annotations

from dataclasses import dataclass, field

from programs.models import Cycle, Enrollment, Event, Mentorship, Program

from .people import Employee


@dataclass
class CycleBuild:
    cycle: Cycle
    events: dict[str, Event]
    mentors: list[Employee] = field(default_factory=list)  # approved
    mentees: list[Employee] = field(default_factory=list)  # approved
    pairs: list[Mentorship] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)


@dataclass
class ProgramsBuild:
    program: Program
    past: CycleBuild
    running: CycleBuild
    upcoming: CycleBuild
    social: Event
    counts: dict[str, int] = field(default_factory=dict)
