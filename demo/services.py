"""Building the demo department in one go, and telling whether it is already there."""

from __future__ import annotations

import hashlib
import random
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from faker import Faker

from profiles.models import Person
from programs.models import Enrollment, Meeting, Mentorship, PairFlag, Program

from .circles import build_circles
from .communities import build_communities
from .exchange import build_exchange
from .flash import build_flash
from .people import DEMO_DOMAIN, build_people
from .programs import PROGRAM_SLUG, build_programs
from .resources import build_resources
from .skills import build_skills
from .surveys import build_surveys

MIN_PEOPLE = 100  # below this the hierarchy and the three cycles no longer hold together


def demo_exists() -> bool:
    return (
        Program.objects.filter(slug=PROGRAM_SLUG).exists()
        or Person.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exists()
    )


@transaction.atomic
def demo_seed(*, seed: int = 1, people: int = 2200, password: str, today: date | None = None) -> dict[str, Any]:
    """Create the whole demo department. The same seed gives the same people and pairs.

    Dates are counted from `today` (default: the local date), so the demo always has a finished
    cycle, a running one and one open for applications.
    """
    if people < MIN_PEOPLE:
        raise ValueError(f"The demo needs at least {MIN_PEOPLE} people.")
    today = today or timezone.localdate()
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)

    roster = build_people(rng=rng, fake=fake, count=people, today=today, password=password)
    book = build_skills(rng=rng, roster=roster, today=today)
    programs = build_programs(rng=rng, roster=roster, today=today)
    extras = build_exchange(rng=rng, roster=roster, programs=programs, today=today)
    extras |= build_surveys(rng=rng, roster=roster, programs=programs, today=today)
    extras |= build_resources(programs=programs)
    extras |= build_flash(rng=rng, today=today)
    extras |= build_communities(rng=rng, programs=programs, today=today)
    extras |= build_circles(rng=rng, roster=roster, programs=programs, today=today)

    employed = roster.employed()
    horizon = date(today.year + 3, today.month, min(today.day, 28))
    eligible = sum(1 for e in employed if e.person.retirement_eligible_on <= horizon)
    return {
        "people": len(roster.employees),
        "departments": len(roster.departments),
        "separated": len(roster.employees) - len(employed),
        "eligible_within_3y_pct": round(100 * eligible / len(employed), 1),
        "mentors_willing": sum(e.person.willing_to_mentor for e in employed),
        "skills": len(book.skills),
        "goals": sum(len(e.goals) for e in roster.employees),
        **programs.counts,
        **extras,
        "flags": PairFlag.objects.count(),  # surveys raise some too
    }


def demo_digest() -> str:
    """A fingerprint of what was generated, without ids or dates (those depend on the day and database)."""
    h = hashlib.sha256()
    for row in Person.objects.order_by("employee_id").values_list(
        "employee_id", "first_name", "last_name", "email", "title", "department__code", "supervisor__employee_id"
    ):
        h.update(repr(row).encode())
    pairs = Mentorship.objects.values("cycle__name", "status").annotate(n=Count("pk")).order_by("cycle__name", "status")
    for row in pairs:
        h.update(repr(sorted(row.items())).encode())
    for row in Mentorship.objects.order_by("mentor__employee_id", "mentee__employee_id").values_list(
        "cycle__name", "mentor__employee_id", "mentee__employee_id"
    ):
        h.update(repr(row).encode())
    h.update(repr((Enrollment.objects.count(), Meeting.objects.count())).encode())
    return h.hexdigest()[:16]
