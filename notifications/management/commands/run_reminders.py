"""Run the reminder sweep once, in this process: what beat does every REMINDER_SWEEP_MINUTES.

Without a broker (the embedded default) this is how reminders go out: run it from cron, or by
hand. With a broker it queues the sends for the workers.
"""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from notifications.services import sweep


class Command(BaseCommand):
    help = "Claim every reminder due now and send (or queue) it. Safe to run at any time, any number of times."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help="Pretend it is this moment (ISO 8601), e.g. to catch up a schedule.", default=None
        )

    def handle(self, *args: object, **options: object) -> None:
        now = timezone.now()
        if options["now"]:
            now = datetime.fromisoformat(str(options["now"]))
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        result = sweep(now=now)
        self.stdout.write(f"Reminder sweep at {now:%Y-%m-%d %H:%M %Z}: {result}")
