from django.core.management.base import BaseCommand

from surveys.services import pools_release_due


class Command(BaseCommand):
    help = "Release pooled anonymous answers that are due (all of a closed survey's). Beat does this hourly."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"answers released: {pools_release_due()}")
