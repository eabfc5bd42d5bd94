"""manage.py seed_demo: load a realistic demo department (see docs/demo.md)."""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.test.utils import override_settings

from demo.people import LOGINS, login_email
from demo.services import MIN_PEOPLE, demo_digest, demo_exists, demo_seed


class Command(BaseCommand):
    help = "Load a realistic demo department: people, skills, plans, three cycles, pairs, events and logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
        parser.add_argument("--people", type=int, default=2200, help=f"Headcount (at least {MIN_PEOPLE}).")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the demo data is already loaded.")
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", "mentorship-demo"),
            help="Password of the demo logins (default: $DEMO_PASSWORD or mentorship-demo).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_exists():
            if options["if_empty"]:
                self.stdout.write("Demo data is already loaded; nothing to do.")
                return
            raise CommandError(
                "Demo data is already loaded in this database. Use --if-empty to skip, "
                "or start from an empty database (for SQLite, delete db.sqlite3 and migrate)."
            )
        if options["people"] < MIN_PEOPLE:
            raise CommandError(f"--people must be at least {MIN_PEOPLE}.")
        started = time.perf_counter()
        try:
            # The demo's history happened without a mail server: what its services ask to mail
            # (survey invitations, seats in circles...) is recorded in the ledger as sent, and
            # nobody gets it, rather than `make run` printing dozens of e-mails to the console.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                summary = demo_seed(seed=options["seed"], people=options["people"], password=options["password"])
        except IntegrityError as error:
            # Nothing was written (one transaction); say what to do rather than show a traceback.
            raise CommandError(
                f"This database already holds data that clashes with the demo ({error}). "
                "Load the demo into an empty database."
            ) from error
        elapsed = time.perf_counter() - started
        self.stdout.write(" ".join(f"{k}={v}" for k, v in summary.items()))
        self.stdout.write(f"digest={demo_digest()} seed={options['seed']}")
        self.stdout.write("Demo logins: " + ", ".join(login_email(r) for r in LOGINS))
        self.stdout.write(self.style.SUCCESS(f"Demo department loaded in {elapsed:.1f} s."))
