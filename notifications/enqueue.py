"""Kept so existing callers keep working: the one enqueue function lives in common/enqueue.py."""

from common.enqueue import Outcome, enqueue, enqueue_on_commit, pending_tasks_queue, publish

__all__ = ["Outcome", "enqueue", "enqueue_on_commit", "pending_tasks_queue", "publish"]
