"""The demo workforce: agencies, a reporting hierarchy, hire and retirement dates, demo logins."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from faker import Faker

from accounts.models import User
from profiles.models import Department, Person

from .content import AGENCIES, GOVERNMENT, HQ_ZONE, SEPARATION_REASONS, Agency

DIRECTOR, MANAGER, LEAD, STAFF = 0, 1, 2, 3
DEMO_DOMAIN = "demo.gov"
LOGINS = ("coordinator", "mentor", "mentee", "hr", "admin")


def login_email(role: str) -> str:
    return f"{role}@{DEMO_DOMAIN}"


@dataclass(eq=False)
class Employee:
    """A Person plus what the generator knows about them (tier, chain, years of service)."""

    index: int
    person: Person
    agency: Agency
    tier: int
    division: str
    years: float
    supervisor: Employee | None = None
    chain: frozenset[int] = frozenset()  # indices of everyone above them
    skills: dict[int, tuple[int, bool]] = field(default_factory=dict)  # skill id -> (level, will teach)
    goals: list = field(default_factory=list)  # DevelopmentGoal objects, filled by demo.skills

    @property
    def employed(self) -> bool:
        return self.person.separated_on is None

    def related_to(self, other: Employee) -> bool:
        """Same person, or one is in the other's reporting chain: never a pair."""
        return self is other or self.index in other.chain or other.index in self.chain


@dataclass
class Roster:
    employees: list[Employee]
    departments: dict[str, Department]
    users: dict[str, User]
    demo: dict[str, Employee]  # login role -> employee, for the logins that have a Person

    def employed(self) -> list[Employee]:
        return [e for e in self.employees if e.employed]


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _split(total: int, weights: list[int]) -> list[int]:
    """Split `total` by weights, largest remainders first, so the sizes always add up."""
    raw = [total * w / sum(weights) for w in weights]
    sizes = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (sizes[i] - raw[i], i))
    for i in order[: total - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _retirement_date(rng: random.Random, hire: date, tier: int, years: float) -> date:
    """Earliest date of the usual public-pension rules: 62 with 5 years, 60 with 20, 57 with 30."""
    age_at_hire = 22 + (rng.uniform(0, 16) if tier < STAFF else min(35.0, rng.gammavariate(2, 6.5)))
    # Nobody still on the payroll is much past the usual retirement age.
    oldest = rng.uniform(61, 68)
    if age_at_hire + years > oldest:
        age_at_hire = max(18.0, oldest - years)
    birth = hire - timedelta(days=int(age_at_hire * 365.25))
    candidates = [
        max(add_years(birth, 62), add_years(hire, 5)),
        max(add_years(birth, 60), add_years(hire, 20)),
        max(add_years(birth, 57), add_years(hire, 30)),
    ]
    return min(candidates)


def _years_of_service(rng: random.Random, tier: int) -> float:
    if tier == DIRECTOR:
        return rng.uniform(18, 34)
    if tier == MANAGER:
        return rng.uniform(12, 33)
    if tier == LEAD:
        return rng.uniform(6, 32)
    return min(34.5, rng.expovariate(1 / 10.5))


def _staff_title(rng: random.Random, agency: Agency, years: float) -> tuple[str, int]:
    titles = agency.staff_titles
    step = min(len(titles) - 1, max(0, int(years / 6) + rng.randint(-1, 1)))
    grade = min(12, 4 + 2 * step + rng.randint(0, 1))
    return titles[step], grade


def _email(first: str, last: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
    email, n = f"{base}@{DEMO_DOMAIN}", 1
    while email in taken:
        n += 1
        email = f"{base}{n}@{DEMO_DOMAIN}"
    taken.add(email)
    return email


def build_people(*, rng: random.Random, fake: Faker, count: int, today: date, password: str) -> Roster:
    departments = Department.objects.bulk_create(
        [Department(name=a.name, code=a.code, agency=GOVERNMENT) for a in AGENCIES]
    )
    by_code = {d.code: d for d in departments}
    sizes = _split(count, [a.weight for a in AGENCIES])
    taken: set[str] = set()
    employees: list[Employee] = []

    def make(agency: Agency, tier: int, division: str, boss: Employee | None) -> Employee:
        years = _years_of_service(rng, tier)
        hire = today - timedelta(days=int(years * 365.25))
        first, last = fake.first_name(), fake.last_name()
        if tier == DIRECTOR:
            title, grade = f"Director, {agency.name}", "SES"
        elif tier == MANAGER:
            title, grade = f"{division} Manager", "GS-14"
        elif tier == LEAD:
            title, grade = rng.choice(agency.lead_titles), f"GS-{rng.choice((12, 13, 13))}"
        else:
            title, g = _staff_title(rng, agency, years)
            grade = f"GS-{g:02d}"
        office = (
            agency.offices[0] if tier < LEAD else rng.choices(agency.offices, [o.weight for o in agency.offices])[0]
        )
        remote = office.time_zone != HQ_ZONE
        in_person = not remote and rng.random() < 0.75
        video = remote or rng.random() < 0.8
        phone = rng.random() < 0.3 or not (in_person or video)
        willing = rng.random() < {DIRECTOR: 0.3, MANAGER: 0.6, LEAD: 0.55, STAFF: 0.3 if years >= 8 else 0.02}[tier]
        capacity = rng.choices((1, 2, 3), (3, 4, 3) if tier < STAFF else (6, 3, 1))[0] if willing else 1
        index = len(employees)
        person = Person(
            employee_id=f"FH{100001 + index}",
            first_name=first,
            last_name=last,
            email=_email(first, last, taken),
            title=title,
            grade=grade,
            department=by_code[agency.code],
            office_location=office.name,
            time_zone=office.time_zone,
            supervisor=boss.person if boss else None,
            hire_date=hire,
            retirement_eligible_on=_retirement_date(rng, hire, tier, years),
            prefers_in_person=in_person,
            prefers_video=video,
            prefers_phone=phone,
            willing_to_mentor=willing,
            mentor_capacity=capacity,
        )
        chain = frozenset() if boss is None else boss.chain | {boss.index}
        employee = Employee(index, person, agency, tier, division, years, boss, chain)
        employees.append(employee)
        return employee

    for agency, size in zip(AGENCIES, sizes, strict=True):
        size = max(size, 6)
        divisions = agency.divisions[: max(2, min(len(agency.divisions), round(size / 40)))]
        n_leads = max(len(divisions), round(size / 9))
        director = make(agency, DIRECTOR, "Office of the Director", None)
        managers = [make(agency, MANAGER, d, director) for d in divisions]
        leads = [
            make(agency, LEAD, managers[i % len(managers)].division, managers[i % len(managers)])
            for i in range(n_leads)
        ]
        for _ in range(max(1, size - 1 - len(managers) - n_leads)):
            lead = rng.choice(leads)
            make(agency, STAFF, lead.division, lead)

    _separate_some(rng, employees, today)
    demo = _pick_demo_people(rng, employees, today)
    users = _create_users(demo, password)
    for role, employee in demo.items():
        employee.person.user = users[role]

    # Supervisors must have primary keys before their reports are inserted: insert tier by tier.
    for tier in (DIRECTOR, MANAGER, LEAD, STAFF):
        Person.objects.bulk_create([e.person for e in employees if e.tier == tier], batch_size=500)
    return Roster(employees, by_code, users, demo)


def _separate_some(rng: random.Random, employees: list[Employee], today: date) -> None:
    """A few staff left in the last two years, so retention reports have something to count."""
    for e in employees:
        if e.tier != STAFF or rng.random() >= 0.05:
            continue
        left = today - timedelta(days=rng.randint(10, 720))
        if left <= e.person.hire_date + timedelta(days=60):
            continue
        e.person.separated_on = left
        retired = e.person.retirement_eligible_on <= left and rng.random() < 0.7
        e.person.separation_reason = "Retired" if retired else rng.choice(SEPARATION_REASONS)
        e.person.willing_to_mentor = False


def _pick_demo_people(rng: random.Random, employees: list[Employee], today: date) -> dict[str, Employee]:
    """The people behind the demo logins, chosen to show each role at its best."""
    employed = [e for e in employees if e.employed]
    hr = [e for e in employed if e.agency.code == "HRD"]
    coordinator = next((e for e in hr if e.tier == LEAD), hr[0])
    analyst = next(e for e in hr if e.tier == STAFF and e is not coordinator)
    seniors = [e for e in employed if e.agency.code == "DPW" and e.tier in (MANAGER, LEAD)]
    mentor = max(seniors, key=lambda e: (e.tier == LEAD, e.years))
    juniors = [e for e in employed if e.agency.code == "FIN" and e.tier == STAFF and not e.related_to(mentor)]
    mentee = min(juniors, key=lambda e: e.years)

    coordinator.person.title = "Mentorship Program Coordinator"
    analyst.person.title = "Human Resources Analyst"
    mentor.years = max(mentor.years, 31.0)
    mentor.person.hire_date = today - timedelta(days=int(mentor.years * 365.25))
    mentor.person.retirement_eligible_on = today - timedelta(days=120)
    mentor.person.title = "Senior Civil Engineer"
    mentor.person.willing_to_mentor, mentor.person.mentor_capacity = True, 2
    mentor.person.prefers_in_person = mentor.person.prefers_video = True
    mentor.person.bio = (
        "Thirty years of capital projects for the city, from sewer relining to the new transit bridge. "
        "Eligible to retire soon and keen to hand over what never got written down."
    )
    mentee.years = 1.2
    mentee.person.hire_date = today - timedelta(days=int(1.2 * 365.25))
    mentee.person.title, mentee.person.grade = "Budget Analyst", "GS-07"
    mentee.person.willing_to_mentor = False
    mentee.person.prefers_in_person = mentee.person.prefers_video = True
    mentee.person.bio = "Joined the budget office last year after a master's in public administration."
    demo = {"coordinator": coordinator, "mentor": mentor, "mentee": mentee, "hr": analyst}
    for role, e in demo.items():
        e.person.email = login_email(role)
    return demo


def _create_users(demo: dict[str, Employee], password: str) -> dict[str, User]:
    hashed = make_password(password)  # hashing is slow on purpose: do it once for every login
    flags = {
        "coordinator": {"is_coordinator": True},
        "hr": {"is_hr_analyst": True},
        "admin": {"is_staff": True, "is_superuser": True},
    }
    users = []
    for role in LOGINS:
        person = demo[role].person if role in demo else None
        users.append(
            User(
                email=login_email(role),
                password=hashed,
                first_name=person.first_name if person else "Site",
                last_name=person.last_name if person else "Administrator",
                **flags.get(role, {}),
            )
        )
    return {role: u for role, u in zip(LOGINS, User.objects.bulk_create(users), strict=True)}
