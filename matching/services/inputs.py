"""ORM rows -> engine input for one cycle, in a fixed handful of queries whatever the cohort size.

Candidates are the approved, still-employed enrollments of the cycle. Mentees bring the goals
named on their application (or, when none has a skill, their active IDP goals); mentors bring
their skills and capacity. Active pairs of the cycle become locks; pairs of earlier cycles are
prior pairs; coordinator bans, pairs that closed in this cycle and mentors who declined a
mentee's request are bans.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import Any

from django.db.models import Prefetch, Q

from circles.models import Circle, CircleApplication, CircleMember
from matching import engine
from matching.models import MatchBan, MatchSettings, MenteeChoice
from profiles.models import DevelopmentGoal, GoalStatus, Person, PersonSkill, Skill
from programs import rules
from programs.models import Cycle, Enrollment, Mentorship
from speedrounds.selectors import met_wishes

Pair = tuple[int, int]  # (mentor id, mentee id), as the engine writes pairs


@dataclass
class CycleInput:
    """The engine problem for a cycle, plus what the app needs to show its results in words."""

    problem: engine.Problem
    settings: engine.Settings
    mode: str
    people: dict[int, Person]  # every candidate, department loaded
    skill_names: dict[int, str]
    existing: dict[Pair, int] = field(default_factory=dict)  # locked active pair -> Mentorship id
    capacity: dict[int, int] = field(default_factory=dict)  # mentor id -> places this cycle (before locks)
    paired_elsewhere: set[int] = field(default_factory=set)  # mentees left out: paired with a non-candidate
    goal_count: int = 0  # IDP goals (with a skill) over all mentees
    circles: dict[engine.CircleId, Circle] = field(default_factory=dict)  # circle units offered in this run
    members: dict[tuple[engine.CircleId, int], int] = field(default_factory=dict)  # locked seat -> CircleMember id

    def mentee(self, person_id: int) -> engine.Mentee | None:
        return next((m for m in self.problem.mentees if m.id == person_id), None)

    def mentor(self, person_id: int) -> engine.Mentor | None:
        return next((m for m in self.problem.mentors if m.id == person_id), None)

    def name(self, person_id: Any) -> str:
        if isinstance(person_id, engine.CircleId):
            circle = self.circles.get(person_id)
            return f"the circle “{circle.topic}”" if circle else f"circle {person_id.key}"
        person = self.people.get(person_id)
        return person.full_name if person else f"person {person_id}"


def settings_for(cycle: Cycle, stored: MatchSettings | None = None) -> tuple[engine.Settings, str]:
    """The engine settings and mode a cycle's coordinator chose (defaults when they chose nothing).

    Repeat pairs and "match everyone" follow the cycle's own options, which the pair rules in
    programs also read. Saved settings that no longer make sense (weights saved before the score's
    scale was fixed) raise engine.ProblemError with the reason; the settings page shows it.
    """
    if stored is None:
        stored = MatchSettings.objects.filter(cycle=cycle).first()
    data = dict(stored.data) if stored else {}
    data["allow_repeat_pairs"] = cycle.allow_repeat_pairs
    data["mentor_grade_at_or_above"] = cycle.mentor_grade_at_or_above
    data["match_everyone"] = cycle.match_everyone
    # IANA zones become offsets at the cycle's start, so summer time is right for the cycle.
    data["tz_reference"] = datetime.combine(cycle.starts_on, time(12))  # naive UTC, as the engine wants
    settings = engine.Settings.from_dict(data)
    return settings, (stored.mode if stored else MatchSettings.Mode.OPTIMAL)


def cycle_input(
    cycle: Cycle,
    *,
    settings: engine.Settings | None = None,
    mode: str | None = None,
    extra_bans: frozenset[Pair] = frozenset(),
    extra_locks: frozenset[Pair] = frozenset(),
    only_mentee: int | None = None,
    circle_bans: frozenset[Pair] = frozenset(),
    circle_locks: frozenset[Pair] = frozenset(),
    with_circles: bool = True,
) -> CycleInput:
    """Build the engine problem for `cycle`. About ten queries, none per person.

    `only_mentee` keeps one mentee (and every mentor): enough for that mentee's suggestions, and
    much cheaper on a big cycle. Other mentees' active pairs then simply use up mentor places.

    The cycle's circles with a mentor become circle units (`circle_input`): `circle_bans` and
    `circle_locks` are (circle id, mentee id) placements rejected or locked in a parent run.
    """
    if settings is None:
        settings, stored_mode = settings_for(cycle)
        mode = mode or stored_mode
    approved = Enrollment.objects.filter(
        cycle=cycle, status=Enrollment.Status.APPROVED, person__separated_on__isnull=True
    )
    if only_mentee is not None:
        approved = approved.filter(Q(role=Enrollment.Role.MENTOR) | Q(person_id=only_mentee))
    enrollments = list(
        approved.select_related("person__department")
        .prefetch_related("goals")
        .order_by("person_id")
    )
    people: dict[int, Person] = {}
    mentor_rows: dict[int, Enrollment] = {}
    mentee_rows: dict[int, Enrollment] = {}
    for enrollment in enrollments:
        people[enrollment.person_id] = enrollment.person
        rows = mentor_rows if enrollment.role == Enrollment.Role.MENTOR else mentee_rows
        rows[enrollment.person_id] = enrollment

    idp_goals: dict[int, list[DevelopmentGoal]] = defaultdict(list)
    for goal in DevelopmentGoal.objects.filter(
        person_id__in=list(mentee_rows), status=GoalStatus.ACTIVE, skill__isnull=False
    ).order_by("priority", "pk"):
        idp_goals[goal.person_id].append(goal)

    skills: dict[int, dict[int, tuple[int, bool]]] = defaultdict(dict)
    wants_to_teach: dict[int, set[int]] = defaultdict(set)
    for person_id, skill_id, level, will_teach, prefers in PersonSkill.objects.filter(
        person_id__in=list(mentor_rows)
    ).values_list("person_id", "skill_id", "level", "will_teach", "prefers_teaching"):
        skills[person_id][skill_id] = (int(level), bool(will_teach))
        if prefers and will_teach:
            wants_to_teach[person_id].add(skill_id)
    wished_departments: dict[int, set[int]] = defaultdict(set)
    for person_id, department_id in Enrollment.preferred_departments.through.objects.filter(
        enrollment__in=[e.pk for e in mentor_rows.values()]
    ).values_list("enrollment__person_id", "department_id"):
        wished_departments[person_id].add(department_id)

    circle_rows = _circles(cycle, people) if with_circles and only_mentee is None else []

    supervisors = {pk: p.supervisor_id for pk, p in people.items() if p.supervisor_id}
    above = set(supervisors.values()) - set(supervisors)
    supervisors.update(
        dict(Person.objects.filter(pk__in=above, supervisor__isnull=False).values_list("pk", "supervisor_id"))
    )

    prior = frozenset(
        Mentorship.objects.filter(mentor_id__in=list(mentor_rows), mentee_id__in=list(mentee_rows))
        .exclude(cycle=cycle)
        .values_list("mentor_id", "mentee_id")
    )
    bans = set(MatchBan.objects.filter(cycle=cycle).values_list("mentor_id", "mentee_id")) | set(extra_bans)
    # A pair that closed in this cycle is never made again in it (programs.rules refuses it at
    # publishing), so the engine must not propose it: a rematched mentee gets a new mentor.
    bans |= set(
        Mentorship.objects.filter(cycle=cycle, mentee_id__in=list(mentee_rows))
        .exclude(status=Mentorship.Status.ACTIVE)
        .values_list("mentor_id", "mentee_id")
    )

    choices: dict[int, list[int]] = defaultdict(list)
    for mentor_id, mentee_id, status in (
        MenteeChoice.objects.filter(cycle=cycle, mentee_id__in=list(mentee_rows))
        .order_by("mentee_id", "rank")
        .values_list("mentor_id", "mentee_id", "status")
    ):
        if status == MenteeChoice.Status.DECLINED:
            bans.add((mentor_id, mentee_id))
        elif cycle.mentee_choice:
            choices[mentee_id].append(mentor_id)

    # "I'd like to work with this person" at the program's speed rounds: a small bonus (met_wish).
    met = met_wishes(program_id=cycle.program_id, mentor_ids=set(mentor_rows), mentee_ids=set(mentee_rows))

    capacity = {pk: rules.mentor_places(e.capacity, people[pk].mentor_capacity) for pk, e in mentor_rows.items()}
    grades = {pk: p.grade for pk, p in people.items() if p.grade}
    grade_rule = settings.mentor_grade_at_or_above
    ranks = {pk: rules.grade_rank(g) for pk, g in grades.items()} if grade_rule else {}
    # Active pairs of this cycle stay as they are: locks when both are candidates; otherwise
    # the mentee is already served, or the mentor's place is taken.
    locks: dict[int, int] = {}  # mentee -> mentor
    existing: dict[Pair, int] = {}
    paired_elsewhere: set[int] = set()
    for pk, mentor_id, mentee_id in Mentorship.objects.active().filter(cycle=cycle).values_list(
        "pk", "mentor_id", "mentee_id"
    ).order_by("pk"):
        # A pair made before a ban, a change of supervisor or the grade rule stays a pair, but the engine cannot
        # take it as a lock; it then counts like a pair with someone outside the candidates.
        broken = rules.pair_rules(
            mentor=mentor_id, mentee=mentee_id, supervisors=supervisors, bans=bans, grades=ranks, grade_rule=grade_rule
        )
        lockable = not broken
        both = mentee_id in mentee_rows and mentor_id in mentor_rows
        if lockable and both and mentee_id not in locks and mentee_id not in paired_elsewhere:
            locks[mentee_id] = mentor_id
            existing[(mentor_id, mentee_id)] = pk
            continue
        if mentee_id in mentee_rows and mentee_id not in locks:
            paired_elsewhere.add(mentee_id)
        if mentor_id in mentor_rows:
            capacity[mentor_id] -= 1
    for mentor_id, mentee_id in sorted(extra_locks):
        if mentee_id in mentee_rows and mentor_id in mentor_rows and mentee_id not in locks and mentee_id not in paired_elsewhere:
            locks[mentee_id] = mentor_id
    units, circle_mentors, members, circles, seat_locks, applied = _circle_units(
        circle_rows, mentee_rows=mentee_rows, locks=locks, paired_elsewhere=paired_elsewhere,
        circle_locks=circle_locks,
        broken=lambda leaders, mentee: rules.circle_rules(
            mentors=leaders, mentee=mentee, supervisors=supervisors, bans=bans, grades=ranks, grade_rule=grade_rule
        ),
    )
    for (circle_pk, mentee_id) in circle_bans:
        bans.add((engine.CircleId(circle_pk), mentee_id))
    used: dict[int, int] = defaultdict(int)
    for mentor_id in locks.values():
        used[mentor_id] += 1
    for mentor_id, n in used.items():
        # A coordinator may have paired beyond a mentor's stated capacity; the engine must not refuse that.
        capacity[mentor_id] = max(capacity[mentor_id], n)

    mentees = []
    goal_count = 0
    for pk, enrollment in mentee_rows.items():
        if pk in paired_elsewhere:
            continue
        person = people[pk]
        chosen = [g for g in enrollment.goals.all() if g.skill_id and g.status == GoalStatus.ACTIVE]
        goals = tuple(
            engine.Goal(g.skill_id, target=int(g.target_level or 2), priority=int(g.priority),
                        current=int(g.current_level or 0))
            for g in (chosen or idp_goals.get(pk, []))
        )
        goal_count += len(goals)
        mentees.append(
            engine.Mentee(
                id=pk,
                goals=goals,
                department=person.department_id,
                location=person.office_location.strip().lower() or None,
                timezone=person.time_zone or None,
                formats=frozenset(person.meeting_formats) or frozenset(engine.FORMATS),
                choices=tuple(m for m in choices.get(pk, ()) if m in mentor_rows) + tuple(applied.get(pk, ())),
                met=frozenset(met.get(pk, ())),
            )
        )
    mentors = []
    for pk in mentor_rows:
        if capacity[pk] < 1:
            continue
        person = people[pk]
        mentors.append(
            engine.Mentor(
                id=pk,
                skills=skills.get(pk, {}),
                capacity=capacity[pk],
                department=person.department_id,
                location=person.office_location.strip().lower() or None,
                timezone=person.time_zone or None,
                formats=frozenset(person.meeting_formats) or frozenset(engine.FORMATS),
                retirement_eligible=person.is_retirement_eligible(cycle.ends_on),
                prefers_teaching=frozenset(wants_to_teach.get(pk, ())),
                prefers_departments=frozenset(wished_departments.get(pk, ())),
            )
        )
    mentor_ids = {m.id for m in mentors}
    lock_pairs = frozenset((m, e) for e, m in locks.items() if m in mentor_ids)
    skill_ids = {g.skill for m in mentees for g in m.goals} | {s for m in mentors for s in m.skills}
    person_mentor_count = len(mentors)
    mentors.extend(units)
    lock_pairs |= frozenset(seat_locks)
    skill_names = dict(Skill.objects.filter(pk__in=skill_ids).values_list("pk", "name"))
    problem = engine.Problem(
        mentees=tuple(mentees),
        mentors=tuple(mentors),
        supervisors=supervisors,
        bans=frozenset(bans),
        prior_pairs=prior,
        locks=lock_pairs,
        grades=grades,
        circle_mentors=circle_mentors,
    )
    return CycleInput(
        problem=problem,
        settings=settings,
        mode=mode or MatchSettings.Mode.OPTIMAL,
        people=people,
        skill_names=skill_names,
        existing={p: pk for p, pk in existing.items() if p in lock_pairs},
        capacity={m.id: m.capacity for m in mentors[:person_mentor_count]},
        paired_elsewhere=paired_elsewhere,
        goal_count=goal_count,
        circles=circles,
        members=members,
    )


def _circles(cycle: Cycle, people: dict[int, Person]) -> list[Circle]:
    """The cycle's running circles with their skills and current members (three queries, or four
    when a circle mentor is not among the candidates: their record is loaded for the rules)."""
    rows = list(
        Circle.objects.filter(cycle=cycle, ended_on__isnull=True)
        .prefetch_related("skills")
        .prefetch_related(
            Prefetch("members", queryset=CircleMember.objects.filter(left_on__isnull=True).order_by("pk"),
                     to_attr="current")
        )
        .order_by("pk")
    )
    outside = {m.person_id for c in rows for m in c.current if m.role == CircleMember.Role.MENTOR} - set(people)
    if outside:
        people.update({p.pk: p for p in Person.objects.filter(pk__in=outside).select_related("department")})
    return rows


def _circle_units(rows: list[Circle], *, mentee_rows: dict, locks: dict[int, int], paired_elsewhere: set[int],
                  circle_locks: frozenset[Pair], broken):
    """Circle units for the engine. A mentee already seated in a circle keeps that seat (a lock)
    unless they are paired or seated elsewhere already: one placement per mentee and run. A seat
    that breaks a rule added since (a new supervisor, a ban) stays a seat but cannot be a lock,
    as for pairs: it counts as taken. Seats taken by anyone else only lower the free seats.
    Pending applications become choices."""
    units: list[engine.Mentor] = []
    circle_mentors: dict[engine.CircleId, tuple[int, ...]] = {}
    members: dict[tuple[engine.CircleId, int], int] = {}
    circles: dict[engine.CircleId, Circle] = {}
    seat_locks: set[tuple[engine.CircleId, int]] = set()
    seated: set[int] = set()
    for circle in rows:
        leaders = tuple(m.person_id for m in circle.current if m.role == CircleMember.Role.MENTOR)[:2]
        mentees = [m for m in circle.current if m.role == CircleMember.Role.MENTEE]
        cid = engine.CircleId(circle.pk)
        taken = 0
        for m in mentees:
            free = (leaders and m.person_id in mentee_rows and m.person_id not in locks
                    and m.person_id not in paired_elsewhere and m.person_id not in seated
                    and not broken(leaders, m.person_id))
            if free:
                seat_locks.add((cid, m.person_id))
                members[(cid, m.person_id)] = m.pk
            else:
                taken += 1
            seated.add(m.person_id)
        if not leaders:
            continue  # a circle without a mentor is not offered; its mentees are served
        circles[cid] = circle
        circle_mentors[cid] = leaders
        units.append(engine.circle_unit(circle.pk, {s.pk: circle.level for s in circle.skills.all()},
                                        max(circle.max_size - taken, 0)))
    # seats locked in a parent run's review, for mentees with no pair or seat yet
    for circle_pk, mentee_id in sorted(circle_locks):
        cid = engine.CircleId(circle_pk)
        if cid in circles and mentee_id in mentee_rows and mentee_id not in locks and mentee_id not in seated \
                and mentee_id not in paired_elsewhere:
            seat_locks.add((cid, mentee_id))
            seated.add(mentee_id)
    # people seated in a circle get no pair in this run (one placement per mentee and run): those
    # with a seat lock keep it; the others (seated twice, or in a circle without a mentor) are served
    locked_seat = {e for _c, e in seat_locks}
    for mentee_id in seated:
        if mentee_id in mentee_rows and mentee_id not in locked_seat and mentee_id not in locks:
            paired_elsewhere.add(mentee_id)
    used: dict[engine.CircleId, int] = defaultdict(int)
    for cid, _e in seat_locks:
        used[cid] += 1
    # a full circle stays a unit only for its locked seats; a circle with no seat at all is left out
    units = [replace(u, capacity=max(u.capacity, used[u.id])) for u in units]
    units = [u for u in units if u.capacity >= 1]
    keep = {u.id for u in units}
    for cid in [c for c in circles if c not in keep]:
        circles.pop(cid)
        circle_mentors.pop(cid)
    applied: dict[int, list[engine.CircleId]] = defaultdict(list)
    if circles:
        for circle_id, person_id in (
            CircleApplication.objects.filter(
                circle_id__in=[c.pk for c in circles.values()], status=CircleApplication.Status.PENDING,
                circle__open_for_applications=True,
            ).order_by("created_at", "pk").values_list("circle_id", "person_id")
        ):
            applied[person_id].append(engine.CircleId(circle_id))
    return units, circle_mentors, members, circles, seat_locks, applied


def without_full_mentors(data: CycleInput, taken: dict[int, int]) -> CycleInput:
    """The same input without mentors whose places are all taken (`taken`: mentor -> places used)."""
    mentors = tuple(m for m in data.problem.mentors if taken.get(m.id, 0) < m.capacity)
    keep = {m.id for m in mentors}
    problem = replace(
        data.problem, mentors=mentors, locks=frozenset(p for p in data.problem.locks if p[0] in keep)
    )
    return replace(data, problem=problem)


def explanation_json(explanation: engine.Explanation, data: CycleInput) -> dict[str, Any]:
    """An engine Explanation as JSON, with names, so a stored proposal reads without the engine."""
    return {
        "components": {k: round(float(v), 3) for k, v in explanation.components.items()},
        "goals": [
            {
                "skill": g.skill,
                "skill_name": data.skill_names.get(g.skill, str(g.skill)),
                "target": g.target,
                "priority": g.priority,
                "mentor_level": g.mentor_level,
                "current": g.current,
                "gap_closed": round(float(g.gap_closed), 3),
                "points": round(float(g.points), 3),
                "covered": bool(g.covered),
            }
            for g in explanation.goals
        ],
        "removed": [
            {"mentor_id": unit_key(r.mentor_id), "mentor_name": data.name(r.mentor_id), "rules": list(r.rules)}
            for r in explanation.removed
        ],
        "below_min_score": int(explanation.below_min_score),
    }


def unit_key(pid: Any) -> Any:
    """A mentor-side id as JSON: a person's id as it is, a circle as "circle:<pk>"."""
    return f"circle:{pid.key}" if isinstance(pid, engine.CircleId) else pid
