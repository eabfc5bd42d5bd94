from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Cross-cutting helpers every app may use: exports, listings, enqueuing tasks, the Redis
    breaker and the failover cache."""

    name = "common"

    def ready(self) -> None:
        from celery.signals import task_prerun

        from common.enqueue import task_started

        task_prerun.connect(task_started, weak=False, dispatch_uid="common.enqueue.task_started")
