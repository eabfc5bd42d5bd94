"""Celery application. Settings come from Django settings under the CELERY_ namespace.

Start a worker with `celery -A mentorship worker` and the scheduler with `celery -A mentorship
beat` (docs/operations.md). With no broker configured, tasks run in-process (eager) and
`manage.py run_reminders` does the periodic work instead of beat.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _beat_schedule() -> dict:
    from django.conf import settings

    every = max(1, int(getattr(settings, "REMINDER_SWEEP_MINUTES", 10)))
    return {
        # Every periodic job of the project is declared here and nowhere else.
        # The sweep decides from the database what is due (event reminders, application
        # windows, meeting nudges, survey reminders, the weekly digest), claims each send once
        # and queues it; it also re-queues sends a dead worker left behind.
        "reminders-sweep": {
            "task": "notifications.tasks.sweep",
            "schedule": crontab(minute=f"*/{every}"),
            "options": {"expires": every * 60},
        },
        # Old delivery rows are only needed for the once-only key while they can still be due.
        "reminders-purge": {
            "task": "notifications.tasks.purge",
            "schedule": crontab(hour=3, minute=17),
        },
        # An unsubmitted draft of an anonymous survey is the one place its answers sit next to a
        # person; once the survey has closed it can never be submitted, so it goes.
        "survey-drafts-purge": {
            "task": "surveys.tasks.purge_drafts",
            "schedule": crontab(hour=3, minute=27),
        },
        # Anonymous answers wait sealed in a pool and are released in shuffled batches; what is
        # still waiting when a survey closes is released here (surveys.services.pool).
        "survey-pools-release": {
            "task": "surveys.tasks.release_pools",
            "schedule": crontab(minute=43),
        },
        # Mailed export files expire after REPORTS_EXPORT_KEEP_DAYS; their links stop working then.
        "report-exports-purge": {
            "task": "reports.tasks.purge_export_files",
            "schedule": crontab(hour=3, minute=37),
        },
    }


@app.on_after_configure.connect
def _set_beat_schedule(sender: Celery, **kwargs: object) -> None:
    sender.conf.beat_schedule = _beat_schedule()
