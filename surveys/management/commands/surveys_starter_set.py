from django.core.management.base import BaseCommand

from surveys import starter
from surveys.models import Question, SurveyTemplate


class Command(BaseCommand):
    help = "Create the starter survey templates that are missing (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        created = starter.install(SurveyTemplate, Question)
        self.stdout.write(f"starter templates created: {created}")
