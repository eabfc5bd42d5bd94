"""The one place that hands work to Celery from a web request or a sweep.

A page must never fail because Redis is down: the data is already committed, the failure is
logged, and the next sweep finds the pending deliveries in the database and queues them again.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task

logger = logging.getLogger("notifications.enqueue")


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError as KombuOperationalError
    from redis.exceptions import RedisError

    return (KombuOperationalError, RedisError, ConnectionError, OSError, TimeoutError)


# One immediate retry, so a connection Redis dropped (a restart) is re-opened, but never a wait
# that would hold a page: with the 1-second connect timeout of CELERY_BROKER_TRANSPORT_OPTIONS
# an unreachable broker costs a request about two seconds at most.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}


def enqueue(task: Task, *args: Any, **kwargs: Any) -> bool:
    """Queue `task`; return False (and log) when the broker cannot take it."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY)
    except _broker_errors() as exc:
        logger.warning("Could not queue %s%r: %s. The reminder sweep will pick the work up.", task.name, args, exc)
        return False
    except Exception:
        if not task.app.conf.task_always_eager:
            raise
        # In-process mode runs the task right here: its failure must not break the page either.
        # The delivery row stays pending or failed and the sweep tries again.
        logger.exception("Task %s%r failed in-process; the reminder sweep will retry.", task.name, args)
        return False
    return True
