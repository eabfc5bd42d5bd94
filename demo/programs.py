"""The department program: a finished cycle, a running one and one open for applications.

Cycles and their milestone events go through programs.services.cycles.cycle_create, so the demo
has exactly the shape the coordinator pages create. Everything else (thousands of enrollments,
pairs, meetings and RSVPs) is bulk-inserted; the services would send e-mail and signals for each.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from programs.models import (
    RSVP,
    Cycle,
    Enrollment,
    Mentorship,
    Program,
)
from programs.services.cycles import add_months, cycle_create

from .activity import agreements_and_meetings, events_and_rsvps, help_and_flags, progress
from .builds import CycleBuild, ProgramsBuild
from .content import (
    DECLINE_NOTES,
    ENDED_EARLY_REASONS,
    MOTIVATIONS_MENTEE,
    MOTIVATIONS_MENTOR,
)
from .matching import engine_pairs
from .people import STAFF, Employee, Roster
from .timeline import at, scaled, season, workday

PROGRAM_SLUG = "department-mentorship"


def build_programs(*, rng: random.Random, roster: Roster, today: date) -> ProgramsBuild:
    coordinator = roster.users["coordinator"]
    program = Program.objects.create(
        name="Department Mentorship Program",
        slug=PROGRAM_SLUG,
        # Open to every agency (profiles.Department) of the city, so cross-agency: a department-wide
        # program names its department, and the edit form refuses one without (saving it unchanged
        # failed with "A department-wide program needs its department").
        scope=Program.Scope.CROSS_AGENCY,
        description=(
            "Six-month mentoring cycles open to every agency of the City of Fairhaven. Experienced staff "
            "pass on what is not written down; newer staff get a guide outside their chain of command. "
            "Each cycle opens with a kickoff, meets again at a midpoint keynote and ends with a celebration."
        ),
    )
    program.coordinators.add(coordinator)

    running_start = workday(today - timedelta(days=60))
    past_end = running_start - timedelta(days=35)
    past_start = workday(add_months(past_end, -6))
    running_end = add_months(running_start, 6)
    upcoming_start = workday(running_end + timedelta(days=14))
    where = {"location": "City Hall, Council Chambers", "video_url": "https://meet.demo.gov/mentorship"}

    def new_cycle(starts_on: date, **dates: date) -> CycleBuild:
        cycle = cycle_create(
            program=program, name=season(starts_on), starts_on=starts_on, by=coordinator, **dates, **where
        )
        events = {e.kind: e for e in cycle.events.all()}
        return CycleBuild(cycle, events)

    past = new_cycle(past_start, ends_on=past_end)
    running = new_cycle(running_start, ends_on=running_end)
    upcoming = new_cycle(
        upcoming_start,
        applications_open_on=today - timedelta(days=9),
        applications_close_on=today + timedelta(days=40),
        matching_on=today + timedelta(days=54),
    )

    people = len(roster.employees)
    employed = roster.employed()
    demo_mentor, demo_mentee = roster.demo["mentor"], roster.demo["mentee"]
    staff_roles = {roster.demo["coordinator"].index, roster.demo["hr"].index}
    mentor_pool = [e for e in employed if e.person.willing_to_mentor and e.index not in staff_roles]
    mentee_pool = [
        e
        for e in employed
        if e.tier == STAFF and e.goals and not e.person.willing_to_mentor and e.index not in staff_roles
    ]

    # Past cycle: people who were employed when it ended (some have left since: retention data).
    past_mentees = [
        e
        for e in roster.employees
        if e.tier == STAFF
        and e.goals
        and not e.person.willing_to_mentor
        and e is not demo_mentee
        and (e.employed or e.person.separated_on > past_end)
        and e.person.hire_date < past_start - timedelta(days=60)
        and e.index not in staff_roles
    ]
    past_mentors = [e for e in mentor_pool if e.person.hire_date < past_start and e is not demo_mentor] + [
        e
        for e in roster.employees
        if not e.employed and e.tier == STAFF and e.years > 10 and e.person.separated_on > past_end
    ]
    rng.shuffle(past_mentees)
    rng.shuffle(past_mentors)
    n_past = scaled(120, people, 6)
    _pairs_for(rng, past, past_mentees[: n_past + n_past // 10], past_mentors[:n_past], set(), fixed=[])

    # Running cycle: the demo pair plus ~150 others, none repeating a past pair.
    banned = {(p.mentor_id, p.mentee_id) for p in past.pairs}
    run_mentees = [e for e in mentee_pool if e is not demo_mentee]
    run_mentors = [e for e in mentor_pool if e is not demo_mentor]
    rng.shuffle(run_mentees)
    rng.shuffle(run_mentors)
    n_run = scaled(155, people, 8)
    # Everyone approved is a candidate; the matching engine decides the pairs further down.
    running.mentees = [demo_mentee] + run_mentees[:n_run]
    running.mentors = [demo_mentor] + run_mentors[: int(n_run * 0.7)]

    enrollments: list[Enrollment] = []
    enrollments += approved_enrollments(rng, past, coordinator, extra=[], extra_mentors=[])
    taken = {e.index for e in running.mentees + running.mentors}
    extra = [e for e in run_mentees if e.index not in taken][: scaled(30, people, 5)]
    extra_mentors = [e for e in run_mentors if e.index not in taken][: scaled(12, people, 3)]
    enrollments += approved_enrollments(rng, running, coordinator, extra=extra, extra_mentors=extra_mentors)
    enrollments += _upcoming_applications(rng, upcoming, mentee_pool, mentor_pool, roster, people, today)
    Enrollment.objects.bulk_create(enrollments, batch_size=1000)
    enrollment_goals(roster, enrollments)
    mentor_department_wishes(enrollments)

    # Past pairs first: the engine must see them to avoid repeating a pair.
    _finish_pairs(rng, past, today, ended_share=0.08)
    _save_pairs(past.pairs, coordinator)

    fixed = [(demo_mentee, demo_mentor)]
    matched, how = engine_pairs(roster=roster, cycle=running.cycle, coordinator=coordinator, fixed=fixed)
    if matched is None:  # the engine failed: pair greedily so the demo still loads
        matched = _greedy(rng, running.mentees, running.mentors, banned, fixed=fixed)
    running.pairs = [
        Mentorship(
            cycle=running.cycle,
            mentor=mentor.person,
            mentee=mentee.person,
            source=Mentorship.Source.MATCHING,
            started_on=running.cycle.starts_on,
        )
        for mentee, mentor in matched
    ]
    _finish_pairs(rng, running, today, ended_share=0.04, protect=demo_mentee)
    _save_pairs(running.pairs, coordinator)

    agreements, meetings = agreements_and_meetings(rng, past, today, roster)
    run_agreements, run_meetings = agreements_and_meetings(rng, running, today, roster)
    counts = {"meetings": len(meetings) + len(run_meetings), "agreements": len(agreements) + len(run_agreements)}
    counts.update(help_and_flags(rng, running, run_meetings, coordinator, today, demo_mentee))
    counts["progress_notes"] = progress(rng, past, running, today)
    social = events_and_rsvps(rng, program, past, running, upcoming, roster, today, coordinator, people)
    counts["rsvps"] = RSVP.objects.filter(event__program=program).count()
    counts.update(
        matching=how,
        enrollments=len(enrollments),
        pairs_past=len(past.pairs),
        pairs_running_active=sum(p.status == Mentorship.Status.ACTIVE for p in running.pairs),
    )
    return ProgramsBuild(program, past, running, upcoming, social, counts)


def _mentor_score(rng: random.Random, mentor: Employee, mentee: Employee) -> float:
    score = 0.0
    for goal in mentee.goals:
        if goal.skill_id:
            level, teach = mentor.skills.get(goal.skill_id, (0, False))
            if level >= 3:
                score += 2 + teach + ((goal.target_level or 0) <= level)
    if mentor.agency is not mentee.agency:
        score += 0.5  # cross-agency pairs widen the mentee's network
    return score + rng.random()


def _pairs_for(
    rng: random.Random,
    build: CycleBuild,
    mentees: list[Employee],
    mentors: list[Employee],
    banned: set[tuple[int, int]],
    *,
    fixed: list[tuple[Employee, Employee]],
) -> None:
    """Pair the past cycle greedily; only the people paired count as its participants."""
    pairs = _greedy(rng, mentees, mentors, banned, fixed=fixed)
    build.mentees = [mentee for mentee, _ in pairs]
    build.mentors = list({id(m): m for _, m in pairs}.values())
    build.pairs = [
        Mentorship(
            cycle=build.cycle,
            mentor=mentor.person,
            mentee=mentee.person,
            source=Mentorship.Source.MATCHING if rng.random() < 0.9 else Mentorship.Source.MANUAL,
            started_on=build.cycle.starts_on,
        )
        for mentee, mentor in pairs
    ]


def _greedy(
    rng: random.Random,
    mentees: list[Employee],
    mentors: list[Employee],
    banned: set[tuple[int, int]],
    *,
    fixed: list[tuple[Employee, Employee]],
) -> list[tuple[Employee, Employee]]:
    """Greedy matching with the hard rules: capacity, no reporting chain, no repeat pair."""
    load = {m.index: 0 for m in mentors}
    pairs: list[tuple[Employee, Employee]] = list(fixed)
    for _mentee, mentor in fixed:
        load[mentor.index] += 1
    fixed_mentees = {mentee.index for mentee, _ in fixed}
    for mentee in mentees:
        if mentee.index in fixed_mentees:
            continue
        candidates = [
            m
            for m in mentors
            if load[m.index] < m.person.mentor_capacity
            and not m.related_to(mentee)
            and (m.person.pk, mentee.person.pk) not in banned
        ]
        if not candidates:
            continue
        best = max(candidates, key=lambda m: _mentor_score(rng, m, mentee))
        load[best.index] += 1
        pairs.append((mentee, best))
    return pairs


def _applied_at(rng: random.Random, cycle: Cycle, latest: date | None = None) -> datetime:
    last = min(cycle.applications_close_on, latest) if latest else cycle.applications_close_on
    span = max(0, (last - cycle.applications_open_on).days)
    return at(cycle.applications_open_on + timedelta(days=rng.randint(0, span)), rng.randint(8, 17), rng.randint(0, 59))


def approved_enrollments(
    rng: random.Random, build: CycleBuild, coordinator, *, extra: list[Employee], extra_mentors: list[Employee]
) -> list[Enrollment]:
    """Approved applications for everyone paired, and every other status among `extra`."""
    cycle = build.cycle
    decided = at(cycle.matching_on - timedelta(days=3), 11)
    rows: list[Enrollment] = []

    def add(e: Employee, role: str, status: str, **more) -> None:
        row = Enrollment(
            cycle=cycle,
            person=e.person,
            role=role,
            status=status,
            applied_at=_applied_at(rng, cycle),
            motivation=rng.choice(MOTIVATIONS_MENTOR if role == Enrollment.Role.MENTOR else MOTIVATIONS_MENTEE),
            capacity=e.person.mentor_capacity if role == Enrollment.Role.MENTOR else None,
            **more,
        )
        if status not in (Enrollment.Status.PENDING, Enrollment.Status.WITHDRAWN):
            row.decided_at, row.decided_by = decided, coordinator
        rows.append(row)

    for e in build.mentees:
        add(e, Enrollment.Role.MENTEE, Enrollment.Status.APPROVED)
    for e in build.mentors:
        add(e, Enrollment.Role.MENTOR, Enrollment.Status.APPROVED)
    # Interleaved, so even a small demo shows every status: late applicants are still pending.
    waitlisted, declined, withdrawn, pending = (
        Enrollment.Status.WAITLISTED,
        Enrollment.Status.DECLINED,
        Enrollment.Status.WITHDRAWN,
        Enrollment.Status.PENDING,
    )
    statuses = (
        waitlisted,
        declined,
        withdrawn,
        pending,
        waitlisted,
        waitlisted,
        declined,
        withdrawn,
        pending,
        waitlisted,
    )
    for i, e in enumerate(extra):
        status = statuses[i % len(statuses)]
        add(e, Enrollment.Role.MENTEE, status, decision_note=rng.choice(DECLINE_NOTES) if status == "declined" else "")
    for i, e in enumerate(extra_mentors):
        add(e, Enrollment.Role.MENTOR, statuses[(i * 3) % len(statuses)])
    build.enrollments = rows
    return rows


def _upcoming_applications(
    rng: random.Random,
    build: CycleBuild,
    mentee_pool: list[Employee],
    mentor_pool: list[Employee],
    roster: Roster,
    people: int,
    today: date,
) -> list[Enrollment]:
    """Applications so far for the cycle that is open today. The demo mentee and mentor have not applied."""
    cycle = build.cycle
    skip = {roster.demo["mentee"].index, roster.demo["mentor"].index}
    mentees = [e for e in mentee_pool if e.index not in skip]
    mentors = [e for e in mentor_pool if e.index not in skip]
    rows = []
    for e in rng.sample(mentees, min(len(mentees), scaled(48, people, 4))):
        withdrawn = rng.random() < 0.06
        rows.append(
            Enrollment(
                cycle=cycle,
                person=e.person,
                role=Enrollment.Role.MENTEE,
                applied_at=_applied_at(rng, cycle, today),
                status=Enrollment.Status.WITHDRAWN if withdrawn else Enrollment.Status.PENDING,
                motivation=rng.choice(MOTIVATIONS_MENTEE),
            )
        )
    # Mentors who already mentored are approved as soon as they apply; the rest wait for review.
    approved_on = at(today - timedelta(days=2), 10)
    for i, e in enumerate(rng.sample(mentors, min(len(mentors), scaled(26, people, 3)))):
        row = Enrollment(
            cycle=cycle,
            person=e.person,
            role=Enrollment.Role.MENTOR,
            applied_at=_applied_at(rng, cycle, today - timedelta(days=3)),
            motivation=rng.choice(MOTIVATIONS_MENTOR),
            capacity=e.person.mentor_capacity,
        )
        if i % 2 == 0:
            row.status, row.decided_at, row.decided_by = (
                Enrollment.Status.APPROVED,
                approved_on,
                roster.users["coordinator"],
            )
            build.mentors.append(e)
        rows.append(row)
    build.enrollments = rows
    return rows


def enrollment_goals(roster: Roster, enrollments: list[Enrollment]) -> None:
    """A mentee's application names the goals of their development plan."""
    goals_of = {e.person.pk: e.goals for e in roster.employees if e.goals}
    through = Enrollment.goals.through
    through.objects.bulk_create(
        [
            through(enrollment_id=row.pk, developmentgoal_id=goal.pk)
            for row in enrollments
            if row.role == Enrollment.Role.MENTEE
            for goal in goals_of.get(row.person.pk, [])
        ],
        batch_size=2000,
    )


def mentor_department_wishes(enrollments: list[Enrollment]) -> None:
    """About one mentor application in four asks for mentees from another department (matching
    scores them a little higher, and stable matching lets the mentor rank them first). Chosen by
    position, not by the random generator, so the rest of the demo stays as it was."""
    mentors = [row for row in enrollments if row.role == Enrollment.Role.MENTOR]
    departments = sorted({row.person.department_id for row in enrollments})
    through = Enrollment.preferred_departments.through
    rows = []
    for i, row in enumerate(mentors):
        others = [d for d in departments if d != row.person.department_id]
        if i % 4 == 1 and others:
            rows.append(through(enrollment_id=row.pk, department_id=others[i % len(others)]))
    through.objects.bulk_create(rows, batch_size=2000)


def _finish_pairs(
    rng: random.Random, build: CycleBuild, today: date, *, ended_share: float, protect: Employee | None = None
) -> None:
    cycle = build.cycle
    finished = cycle.ends_on < today
    candidates = [p for p in build.pairs if protect is None or p.mentee is not protect.person]
    # A fixed share (at least one), so even a small demo has a pair that ended early.
    ending = {id(p) for p in rng.sample(candidates, max(1, round(ended_share * len(candidates))))}
    for pair in build.pairs:
        if id(pair) in ending:
            last = min(today, cycle.ends_on) - timedelta(days=7)
            pair.status = Mentorship.Status.ENDED
            pair.ended_on = cycle.starts_on + timedelta(days=rng.randint(21, max(22, (last - cycle.starts_on).days)))
            pair.end_reason = rng.choice(ENDED_EARLY_REASONS)
        elif finished:
            pair.status, pair.ended_on = Mentorship.Status.COMPLETED, cycle.ends_on


def _save_pairs(pairs: list[Mentorship], coordinator) -> None:
    for pair in pairs:
        pair.created_by = coordinator
    Mentorship.objects.bulk_create(pairs, batch_size=1000)
    Mentorship.objects.bulk_update([_backdate(p) for p in pairs], ["created_at"], batch_size=1000)


def _backdate(pair: Mentorship) -> Mentorship:
    pair.created_at = at(pair.cycle.matching_on, 12)
    return pair
