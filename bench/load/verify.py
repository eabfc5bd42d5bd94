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

    # Requests still queued at the server when locust stopped land afterwards, unconfirmed: a
    # meeting more than confirmed, or an RSVP changed after its last confirmed answer. Neither is
    # a lost write. (Files from before stopped_at was written count every change as lost.)
    stopped_at = writes.get("stopped_at")
    rsvp_missing = rsvp_changed_after_stop = 0
    for key, answer in writes["rsvps"].items():
        email, event_id = key.split("|")
        row = RSVP.objects.filter(event_id=event_id, person__email=email).values_list("status", "responded_at").first()
        expected = {"going": {"going", "waitlist"}, "not_going": {"not_going"}}[answer]
        if row is not None and row[0] in expected:
            continue
        if row is not None and stopped_at and row[1].timestamp() > stopped_at:
            rsvp_changed_after_stop += 1
        else:
            rsvp_missing += 1

    hashes = [hashlib.sha256(token.encode()).hexdigest() for token in writes["surveys"]]
    surveys_used = Invitation.objects.filter(token_hash__in=hashes, used=True).count()

    print(
        f"meetings confirmed={writes['meetings']} in_db={meetings_db} | "
        f"rsvps confirmed={len(writes['rsvps'])} final_state_mismatches={rsvp_missing} "
        f"changed_after_stop={rsvp_changed_after_stop} | "
        f"surveys confirmed={len(hashes)} recorded={surveys_used}"
    )
    # Each kind on its own: a surplus of meetings must not hide a write of another kind that is missing.
    lost = max(0, writes["meetings"] - meetings_db) + rsvp_missing + max(0, len(hashes) - surveys_used)
    unconfirmed = max(0, meetings_db - writes["meetings"])
    print(f"lost_writes={lost} unconfirmed_but_saved={unconfirmed}")


if __name__ == "__main__":
    main()
