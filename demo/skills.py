"""Skills, proficiency and development plans (IDP goals) for the demo workforce."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from profiles.models import DevelopmentGoal, GoalPriority, Person, PersonSkill, Skill, SkillCategory

from .content import AIMS, GENERAL_CATEGORIES, KNOW_HOW_CATEGORY, SKILLS
from .people import DIRECTOR, LEAD, MANAGER, STAFF, Employee, Roster


@dataclass
class SkillBook:
    skills: list[Skill]
    by_category: dict[str, list[Skill]]
    by_name: dict[str, Skill]


def build_skills(*, rng: random.Random, roster: Roster, today: date) -> SkillBook:
    categories = SkillCategory.objects.bulk_create([SkillCategory(name=name) for name in SKILLS])
    skills = Skill.objects.bulk_create(
        [Skill(name=skill, category=cat) for cat in categories for skill in SKILLS[cat.name]]
    )
    by_category: dict[str, list[Skill]] = {name: [] for name in SKILLS}
    for skill in skills:
        by_category[skill.category.name].append(skill)
    book = SkillBook(skills, by_category, {s.name: s for s in skills})

    rows: list[PersonSkill] = []
    for e in roster.employees:
        for skill in _pick_skills(rng, book, e):
            level = _level(rng, e)
            teach = level >= 3 and (e.person.willing_to_mentor or rng.random() < 0.15)
            e.skills[skill.pk] = (level, teach)
            # About a third of what mentors teach is what they most want to teach (by position, so
            # the random sequence, and the rest of the demo, stay as they were).
            wish = teach and (e.index + len(rows)) % 3 == 0
            rows.append(PersonSkill(person=e.person, skill=skill, level=level, will_teach=teach, prefers_teaching=wish))
    _shape_demo_pair(roster, book, rows)
    _retiring_know_how(roster, book, rows, today)
    PersonSkill.objects.bulk_create(rows, batch_size=2000)
    _mentor_bios(roster, book)
    _build_goals(rng, roster, book, today)
    return book


def _mentor_bios(roster: Roster, book: SkillBook) -> None:
    """A line on each willing mentor's profile, from what they teach best (mentees read these)."""
    names = {s.pk: s.name for s in book.skills}
    changed = []
    for e in roster.employees:
        if not e.person.willing_to_mentor or e.person.bio:
            continue
        teach = sorted((-level, names[pk]) for pk, (level, will) in e.skills.items() if will)
        if not teach:
            continue
        topics = ", ".join(name for _, name in teach[:3])
        years = max(1, int(e.years))
        e.person.bio = (
            f"{years} year{'s' if years > 1 else ''} with the city, now in {e.division}. Can help with: {topics}."
        )
        changed.append(e.person)
    Person.objects.bulk_update(changed, ["bio"], batch_size=1000)


def _pick_skills(rng: random.Random, book: SkillBook, e: Employee) -> list[Skill]:
    core = [s for c in e.agency.core_categories for s in book.by_category[c]]
    general = [s for c in GENERAL_CATEGORIES for s in book.by_category[c]]
    n = rng.randint(3, 5) + (2 if e.tier < STAFF else 0)
    picked = rng.sample(core, min(len(core), n - n // 3))
    if e.tier in (DIRECTOR, MANAGER, LEAD):
        picked += rng.sample(book.by_category["Leadership and Management"], 2)
    picked += rng.sample(general, n // 3)
    unique: dict[int, Skill] = {}
    for s in picked:
        unique.setdefault(s.pk, s)
    return list(unique.values())


def _level(rng: random.Random, e: Employee) -> int:
    if e.years < 3:
        weights = (5, 4, 1, 0)
    elif e.years < 10:
        weights = (2, 5, 3, 1)
    elif e.years < 20:
        weights = (1, 3, 5, 2)
    else:
        weights = (0, 2, 5, 4)
    return rng.choices((1, 2, 3, 4), weights)[0]


def _shape_demo_pair(roster: Roster, book: SkillBook, rows: list[PersonSkill]) -> None:
    """The demo mentor is an expert in what the demo mentee wants to learn."""
    mentor, mentee = roster.demo["mentor"], roster.demo["mentee"]
    expert = ("Capital improvement planning", "Cost estimating", "Public meeting facilitation", "Project scheduling")
    for name in expert:
        skill = book.by_name[name]
        if skill.pk not in mentor.skills:
            rows.append(PersonSkill(person=mentor.person, skill=skill, level=4, will_teach=True,
                                    prefers_teaching=name == "Capital improvement planning"))
        mentor.skills[skill.pk] = (4, True)
    for row in rows:
        if row.person is mentor.person and row.skill.name in expert:
            row.level, row.will_teach = 4, True
            row.prefers_teaching = row.skill.name == "Capital improvement planning"  # what she most wants to pass on
    for name, level in (("Capital improvement planning", 1), ("Excel modelling", 2)):
        skill = book.by_name[name]
        if skill.pk not in mentee.skills:
            rows.append(PersonSkill(person=mentee.person, skill=skill, level=level))
            mentee.skills[skill.pk] = (level, False)


def _retiring_know_how(roster: Roster, book: SkillBook, rows: list[PersonSkill], today: date) -> None:
    """Each know-how skill to one or two long-serving experts who can retire within the year,
    and to nobody else: knowledge at risk then shows skills no one else holds or is learning."""
    horizon = today + timedelta(days=365)
    experts = [
        e for e in roster.employees
        if e.employed and e.years >= 20 and e not in roster.demo.values()
        and e.person.retirement_eligible_on and e.person.retirement_eligible_on <= horizon
    ]  # fmt: skip
    if not experts:
        return
    for i, skill in enumerate(book.by_category[KNOW_HOW_CATEGORY]):
        for e in experts[i :: len(book.by_category[KNOW_HOW_CATEGORY])][: 1 + i % 2]:
            teach = e.person.willing_to_mentor
            e.skills[skill.pk] = (4, teach)
            rows.append(PersonSkill(person=e.person, skill=skill, level=4, will_teach=teach))


def _build_goals(rng: random.Random, roster: Roster, book: SkillBook, today: date) -> None:
    """Newer staff often have an IDP; a few seniors too (moving into management)."""
    goals: list[DevelopmentGoal] = []
    for e in roster.employees:
        if e is roster.demo["mentee"]:
            e.goals = _demo_mentee_goals(book, e, today)
            goals += e.goals
            continue
        wants = 0.7 if (e.tier == STAFF and e.years < 12) else 0.12
        if not e.employed or e in roster.demo.values() or rng.random() >= wants:
            continue
        for priority in rng.sample(list(GoalPriority), rng.randint(1, 3)):
            goal = DevelopmentGoal(
                person=e.person, priority=priority, target_date=today + timedelta(days=rng.randint(60, 330))
            )
            if rng.random() < 0.25:
                goal.aim = rng.choice(AIMS)
            else:
                goal.skill = rng.choice(book.by_category[rng.choice(e.agency.core_categories + GENERAL_CATEGORIES[:2])])
                have = e.skills.get(goal.skill.pk, (0, False))[0]
                goal.target_level = min(4, max(2, have + rng.choice((1, 1, 2))))
                # Where they stand now, from their skills: a mentor helps by the gap above it.
                goal.current_level = have if have < goal.target_level else None
            e.goals.append(goal)
            goals.append(goal)
    DevelopmentGoal.objects.bulk_create(goals, batch_size=2000)


def _demo_mentee_goals(book: SkillBook, e: Employee, today: date) -> list[DevelopmentGoal]:
    return [
        DevelopmentGoal(
            person=e.person,
            skill=book.by_name["Capital improvement planning"],
            current_level=1,
            target_level=3,
            priority=GoalPriority.HIGH,
            target_date=today + timedelta(days=150),
        ),
        DevelopmentGoal(
            person=e.person,
            skill=book.by_name["Public meeting facilitation"],
            current_level=0,
            target_level=2,
            priority=GoalPriority.MEDIUM,
            target_date=today + timedelta(days=240),
        ),
        DevelopmentGoal(
            person=e.person,
            aim="Present our division's budget request to the budget office",
            priority=GoalPriority.LOW,
            target_date=today + timedelta(days=300),
        ),
    ]
