"""Create each program's mentors' community and add every mentor, past and present, not yet in it.

New mentors join by themselves when approved or paired (communities.receivers); this command
covers programs that existed before communities, and anyone a failed signal missed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from communities.services import mentors_community_sync
from programs.models import Program


class Command(BaseCommand):
    help = "Create the mentors' community of every program and add its mentors, past and present."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for program in Program.objects.order_by("pk"):
            community, added = mentors_community_sync(program=program)
            total += added
            self.stdout.write(f"{community.name}: {added} added")
        self.stdout.write(self.style.SUCCESS(f"{total} mentors added in all."))
