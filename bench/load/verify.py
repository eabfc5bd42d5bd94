"""After a load run: every write the server confirmed is in the database (no lost writes)."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

import django  # noqa: E402

django.setup()

from programs.models import RSVP, Meeting  # noqa: E402
from surveys.models import Invitation  # noqa: E402


def main() -> None:
    writes = json.loads(Path(os.environ.get("LOAD_WRITES", ROOT / "bench/out/load_writes.json")).read_text())
    run_id = writes["run_id"]
    meetings_db = Meeting.objects.filter(private_notes=f"load {run_id}").count()

    rsvp_missing = 0
    for key, answer in writes["rsvps"].items():
        email, event_id = key.split("|")
        status = RSVP.objects.filter(event_id=event_id, person__email=email).values_list("status", flat=True).first()
        expected = {"going": {"going", "waitlist"}, "not_going": {"not_going"}}[answer]
        rsvp_missing += status not in expected

    hashes = [hashlib.sha256(token.encode()).hexdigest() for token in writes["surveys"]]
    surveys_used = Invitation.objects.filter(token_hash__in=hashes, used=True).count()

    print(
        f"meetings confirmed={writes['meetings']} in_db={meetings_db} | "
        f"rsvps confirmed={len(writes['rsvps'])} final_state_mismatches={rsvp_missing} | "
        f"surveys confirmed={len(hashes)} recorded={surveys_used}"
    )
    lost = (writes["meetings"] - meetings_db) + rsvp_missing + (len(hashes) - surveys_used)
    print(f"lost_writes={lost}")


if __name__ == "__main__":
    main()
