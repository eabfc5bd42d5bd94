"""Pick the people the load test signs in as, give them a known password, write bench/out/load_users.json.

Run against the production stack's database (scripts/prod.sh seeds it with the demo department):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_prod DEBUG=1 \
        .venv/bin/python bench/load/prepare.py --pairs 60

Mentors and mentees come from active pairs of the running cycle; coordinators are the demo
coordinator plus the program's other coordinators. Survey links are rebuilt from open, unused
invitations of those mentees (the database keeps only hashes; the token derives from the nonce).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from programs.models import Cycle, Mentorship  # noqa: E402
from surveys import tokens  # noqa: E402
from surveys.models import Invitation  # noqa: E402

PASSWORD = "load-test-password-1"


@transaction.atomic
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=60)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "load_users.json"))
    args = parser.parse_args()

    cycle = Cycle.objects.running().order_by("-starts_on").first()
    if cycle is None:
        sys.exit("No running cycle: load the demo data first (manage.py seed_demo).")
    pairs = list(
        Mentorship.objects.active()
        .filter(cycle=cycle)
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")[: args.pairs]
    )
    password_hash = make_password(PASSWORD)
    people = [p for pair in pairs for p in (pair.mentor, pair.mentee)]
    for person in people:
        if person.user is None:
            person.user, _ = User.objects.get_or_create(
                email=person.email, defaults={"first_name": person.first_name, "last_name": person.last_name}
            )
            person.save(update_fields=["user"])
    User.objects.filter(person__in=people).update(password=password_hash, is_active=True)
    coordinators = list(cycle.program.coordinators.all())
    User.objects.filter(pk__in=[c.pk for c in coordinators]).update(password=password_hash)

    today = timezone.localdate()
    open_invitations = Invitation.objects.filter(
        person__in=[p.mentee for p in pairs], used=False, survey__opened_at__isnull=False,
        survey__opens_on__lte=today, survey__closes_on__gte=today,
    )
    survey_links = {}
    for invitation in open_invitations:
        survey_links.setdefault(invitation.person.email, []).append(f"/surveys/r/{tokens.token_for(invitation.nonce)}/")

    data = {
        "password": PASSWORD,
        "cycle": cycle.pk,
        "mentors": [{"email": p.mentor.email, "pair": p.pk} for p in pairs],
        "mentees": [{"email": p.mentee.email, "pair": p.pk, "surveys": survey_links.get(p.mentee.email, [])} for p in pairs],
        "coordinators": [{"email": c.email} for c in coordinators],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(data, indent=1))
    print(
        f"users: mentors={len(pairs)} mentees={len(pairs)} coordinators={len(coordinators)} "
        f"survey_links={sum(len(v) for v in survey_links.values())} -> {args.out}"
    )


if __name__ == "__main__":
    main()
