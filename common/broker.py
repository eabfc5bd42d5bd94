"""kombu's Redis transport, with an acknowledgement that cannot wedge a worker.

A worker acknowledges a task (acks_late) by removing it from Redis's "unacked" set, then
forgets it locally. kombu does these in that order, so when Redis hangs at that moment (the
removal times out) the local record is never cleared: with our prefetch of one, the worker
believes it still holds a task and never asks Redis for another, even after Redis is back.
`bench/reminders.py` found this: a 5 s hang stopped a busy worker for good (191 of 200 e-mails
never sent, the worker idle in epoll).

Here a failed removal is remembered and retried before the next acknowledgement (and on the
event loop's periodic restore check, every few seconds), and the worker forgets the task
locally either way, so it keeps consuming. If the retry never comes
(the worker stops first), Redis still holds the task and hands it out again after
`visibility_timeout`; every task is safe to run twice (common/enqueue.py), and a delivery keeps
its task id, so its claim token, and is not sent again.

Used for redis:// and rediss:// broker URLs (settings.CELERY_BROKER_TRANSPORT).
"""

from __future__ import annotations

import logging

from kombu.transport import redis, virtual

logger = logging.getLogger("common.broker")


class QoS(redis.QoS):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._removals_owed: set[str] = set()  # acknowledged here, still in Redis's unacked set

    def ack(self, delivery_tag) -> None:
        self._pay_removals_owed()
        self._remove_or_owe(delivery_tag)
        virtual.QoS.ack(self, delivery_tag)  # forget locally: the worker may take the next task

    def reject(self, delivery_tag, requeue: bool = False) -> None:
        self._pay_removals_owed()
        if requeue:
            super().reject(delivery_tag, requeue=True)
            return
        self._remove_or_owe(delivery_tag)
        virtual.QoS.ack(self, delivery_tag)

    def restore_visible(self, *args, **kwargs) -> None:
        # Called by the worker's event loop every few seconds, busy or idle: an owed removal is
        # paid even when no further task comes to be acknowledged.
        self._pay_removals_owed()
        super().restore_visible(*args, **kwargs)

    def _remove_or_owe(self, delivery_tag) -> None:
        try:
            self._remove_from_indices(delivery_tag).execute()
        except self.channel.connection_errors as exc:
            self._removals_owed.add(delivery_tag)
            logger.warning(
                "Could not acknowledge task %s in Redis (%s); retrying with the next one. Until then "
                "Redis may hand it out again after its visibility timeout.",
                delivery_tag,
                exc,
            )

    def _pay_removals_owed(self) -> None:
        for tag in list(self._removals_owed):
            try:
                self._remove_from_indices(tag).execute()
            except self.channel.connection_errors:
                return  # Redis still not answering: try again at the next acknowledgement
            self._removals_owed.discard(tag)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
