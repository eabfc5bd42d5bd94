"""A second, smaller program: a year-long cross-agency exchange for team leads.

Directors and division managers mentor team leads from another agency. It shows a coordinator
running two programs, and a cross-agency scope next to the department-wide one.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from programs.models import RSVP, Enrollment, Event, Mentorship, Program
from programs.services.cycles import cycle_create

from .activity import agreements_and_meetings
from .builds import CycleBuild, ProgramsBuild
from .people import DIRECTOR, LEAD, MANAGER, Employee, Roster
from .programs import approved_enrollments, enrollment_goals
from .timeline import scaled, workday

EXCHANGE_SLUG = "cross-agency-exchange"


def build_exchange(*, rng: random.Random, roster: Roster, programs: ProgramsBuild, today: date) -> dict[str, int]:
    coordinator = roster.users["coordinator"]
    program = Program.objects.create(
        name="Cross-Agency Leadership Exchange",
        slug=EXCHANGE_SLUG,
        scope=Program.Scope.CROSS_AGENCY,
        description=(
            "A year-long exchange: team leads are mentored by a director or division manager from "
            "another agency, to see how the rest of the city works and who to call when it matters."
        ),
    )
    program.coordinators.add(coordinator)
    starts_on = workday(today - timedelta(days=120))
    cycle = cycle_create(
        program=program,
        name=f"{starts_on.year}–{str(starts_on.year + 1)[2:]} cohort",
        starts_on=starts_on,
        length_months=12,
        by=coordinator,
        location="Public Safety Building, Training Room B",
    )
    build = CycleBuild(cycle, {e.kind: e for e in cycle.events.all()})

    # Nobody who already mentors in the department program's running cycle: capacity is per person.
    busy = {e.index for e in programs.running.mentors + programs.running.mentees}
    busy |= {e.index for e in roster.demo.values()}
    mentors = [
        e
        for e in roster.employed()
        if e.tier in (DIRECTOR, MANAGER) and e.person.willing_to_mentor and e.index not in busy
    ]
    mentees = [e for e in roster.employed() if e.tier == LEAD and e.index not in busy and e.years < 20]
    rng.shuffle(mentors)
    rng.shuffle(mentees)
    mentees.sort(key=lambda e: not e.goals)  # leads with a development plan first (stable sort)
    pairs: list[tuple[Employee, Employee]] = []
    taken: set[int] = set()
    for mentor in mentors[: scaled(18, len(roster.employees), 3)]:
        mentee = next((m for m in mentees if m.agency is not mentor.agency and m.index not in taken), None)
        if mentee is not None:
            taken.add(mentee.index)
            pairs.append((mentee, mentor))
    build.mentees = [mentee for mentee, _ in pairs]
    build.mentors = [mentor for _, mentor in pairs]
    build.pairs = [
        Mentorship(
            cycle=cycle,
            mentor=mentor.person,
            mentee=mentee.person,
            source=Mentorship.Source.MANUAL,
            started_on=starts_on,
            created_by=coordinator,
        )
        for mentee, mentor in pairs
    ]
    enrollments = approved_enrollments(rng, build, coordinator, extra=[], extra_mentors=[])
    for row in enrollments:
        if row.role == Enrollment.Role.MENTOR:
            row.capacity = 1  # one exchange mentee each, whatever they offer the department program
    Enrollment.objects.bulk_create(enrollments)
    enrollment_goals(roster, enrollments)
    Mentorship.objects.bulk_create(build.pairs)
    _, meetings = agreements_and_meetings(rng, build, today, roster)

    kickoff = build.events[Event.Kind.KICKOFF]
    RSVP.objects.bulk_create(
        RSVP(
            event=kickoff,
            person=e.person,
            status=RSVP.Status.GOING,
            attended=rng.random() < 0.9,
            responded_at=kickoff.starts_at - timedelta(days=rng.randint(2, 15)),
        )
        for e in build.mentees + build.mentors
    )
    return {"exchange_pairs": len(build.pairs), "exchange_meetings": len(meetings)}
