from django.core.management.base import BaseCommand

from surveys.services import drafts_purge


class Command(BaseCommand):
    help = "Delete unsent drafts of surveys that have closed (safe to run daily)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"drafts deleted: {drafts_purge()}")
