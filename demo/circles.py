"""The demo's mentoring circles: three circles in the running cycle, on the skills its mentees'
goals ask for most, with sessions held since the cycle began (attendance taken), one coming up,
shared notes and a couple of applications waiting. The demo mentor leads the first circle and the
demo mentee sits in it, so both logins see a circle page.

Everything goes through circles.services, so the demo obeys the same rules as the pages: a mentee
in a reporting chain with a circle mentor is simply not placed.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from circles import services
from circles.models import Circle
from profiles.models import DevelopmentGoal, GoalStatus, PersonSkill, Skill

from .builds import ProgramsBuild
from .people import Roster

TOPICS = (
    ("{skill} in practice", "Monthly case reviews: bring a problem from your own work and leave with next steps."),
    ("{skill}: the first year", "For people new to the skill: the basics, the common mistakes and who to ask."),
    ("Leading with {skill}", "How experienced staff use the skill to lead a team or a project."),
)
NOTES = (
    "Slides and the reading list from the last session are on the shared drive.",
    "Next time: each of us brings one example from this month, five minutes each.",
    "Thanks all. I have added the template we talked about to the resource library.",
)
CADENCES = ("biweekly", "monthly", "biweekly")


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def build_circles(*, rng: random.Random, roster: Roster, programs: ProgramsBuild, today: date) -> dict[str, int]:
    running = programs.running
    cycle = running.cycle
    coordinator = roster.users["coordinator"]
    mentees = [e.person for e in running.mentees if e.employed]
    mentors = [e.person for e in running.mentors if e.employed]
    if not mentees or not mentors:
        return {"circles": 0, "circle_sessions": 0}
    goals_of: dict[int, set[int]] = {}
    for person_id, skill_id in DevelopmentGoal.objects.filter(
        person__in=mentees, status=GoalStatus.ACTIVE, skill__isnull=False
    ).values_list("person_id", "skill_id"):
        goals_of.setdefault(person_id, set()).add(skill_id)
    wanted = Counter(s for skills in goals_of.values() for s in skills)
    teachers: dict[int, list[int]] = {}
    for person_id, skill_id in (
        PersonSkill.objects.filter(person__in=mentors, will_teach=True, level__gte=3)
        .order_by("-level", "person_id")
        .values_list("person_id", "skill_id")
    ):
        teachers.setdefault(skill_id, []).append(person_id)
    by_pk = {p.pk: p for p in mentors}
    demo_mentor = roster.demo["mentor"].person
    demo_mentee = roster.demo["mentee"].person
    skills = [s for s, _n in wanted.most_common() if teachers.get(s)]
    used: set[int] = set()
    created = 0
    sessions = 0
    for skill_id in skills:
        n = created
        if n == len(TOPICS):
            break
        skill = Skill.objects.get(pk=skill_id)
        leaders = [pk for pk in teachers[skill_id] if pk not in used][: 2 if n == 1 else 1]
        if n == 0 and demo_mentor.pk in by_pk and demo_mentor.pk not in used:
            leaders = [demo_mentor.pk]
        if not leaders:
            continue
        used.update(leaders)
        title, description = TOPICS[n]
        circle = services.circle_create(
            cycle=cycle,
            by=coordinator,
            topic=title.format(skill=skill.name),
            skills=[skill],
            mentors=[by_pk[pk] for pk in leaders],
            level=3,
            min_size=4,
            max_size=8,
            description=description,
        )
        circle.agreement_goals = f"Each member moves one level on {skill.name} by the end of the cycle."
        circle.cadence = CADENCES[n]
        circle.agreement_updated_at = timezone.now()
        circle.save(update_fields=["agreement_goals", "cadence", "agreement_updated_at"])
        created += 1
        candidates = [p for p in mentees if p.pk not in used and skill_id in goals_of.get(p.pk, ())]
        if n == 0 and demo_mentee in mentees:
            candidates = [demo_mentee, *[p for p in candidates if p.pk != demo_mentee.pk]]
        if n < 2:  # a small demo has few goals per skill: fill the first two with other mentees of the cycle
            candidates += [p for p in mentees if p.pk not in used and p not in candidates]
        seats = 7 if n < 2 else 3  # the third circle stays below its minimum: the dashboard flags it
        members = []
        for person in candidates:
            if len(members) >= seats:
                break
            try:
                services.circle_member_add(circle=circle, person=person, by=coordinator)
            except ValidationError:
                continue  # a reporting chain or a ban: the rules keep them out, as on the pages
            members.append(person)
            used.add(person.pk)  # one circle per demo mentee
        sessions += _sessions(rng, circle, [by_pk[pk] for pk in leaders], members, today)
        for body in NOTES[: 1 + n % 2]:
            services.circle_note_add(circle=circle, author=by_pk[leaders[0]], body=body)
        if n == 2:  # applications waiting for the coordinator (or the next match run)
            for person in [p for p in mentees if p.pk not in used and p not in members][:2]:
                try:
                    services.circle_apply(circle=circle, person=person, note="This is one of my IDP goals.")
                except ValidationError:
                    continue
    return {"circles": created, "circle_sessions": sessions}


def _sessions(rng: random.Random, circle: Circle, leaders: list, members: list, today: date) -> int:
    step = 14 if circle.cadence == "biweekly" else 28
    day = max(circle.cycle.starts_on + timedelta(days=7), today - timedelta(days=120))
    count = 0
    while day <= today + timedelta(days=step):
        when = _at(day, 15)
        session = services.circle_session_create(
            circle=circle,
            by=leaders[0],
            title=f"Session {count + 1}",
            scheduled_at=when,
            meeting_format="video",
            place="",
        )
        count += 1
        if when < timezone.now():
            present = {p.pk: True for p in leaders}
            present.update({p.pk: rng.random() < 0.8 for p in members})
            services.circle_attendance_record(session=session, by=leaders[0], present=present)
        day += timedelta(days=step)
    return count
