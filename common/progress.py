"""How far a background job has got, for the page that waits on it.

A job (a roster preview or apply, a large export, a match run) reports `progress_set(key, ...)`
every batch, never every row; its page reads `progress_get(key)` and draws a progress bar.

Progress lives in the cache (Redis in production, shared by the web and worker processes), not
on the job's own row, because the heaviest jobs run in one transaction: applying a roster holds
the import's row locked until it commits, so a count written there would be invisible to the
page until the very end, and writing it through another connection would wait on that lock.
The job's row keeps what must last (its status, its result, its error); the progress entry
expires on its own. With Redis down the cache falls back to the database (common.cache), where a
count written inside a transaction shows once that transaction ends: the bar then jumps, the
result is still right.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

TIMEOUT = 6 * 60 * 60  # longer than any task may run (CELERY_TASK_TIME_LIMIT)


@dataclass(frozen=True)
class Progress:
    step: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        """0-100; a job that knows no total yet is at 0."""
        if self.total <= 0:
            return 0
        return max(0, min(100, (100 * self.done) // self.total))

    def as_json(self) -> dict[str, object]:
        return {"step": self.step, "done": self.done, "total": self.total, "percent": self.percent}


def _key(key: str) -> str:
    return f"progress:{key}"


def progress_set(key: str, *, step: str, done: int = 0, total: int = 0) -> None:
    """Record how far job `key` has got. Never raises: progress is a courtesy, not the work."""
    try:
        cache.set(_key(key), (step, int(done), int(total)), TIMEOUT)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the job it describes
        pass


def progress_get(key: str) -> Progress | None:
    try:
        value = cache.get(_key(key))
    except Exception:  # noqa: BLE001
        return None
    if not value:
        return None
    step, done, total = value
    return Progress(step=step, done=done, total=total)


def progress_clear(key: str) -> None:
    try:
        cache.delete(_key(key))
    except Exception:  # noqa: BLE001
        pass


class Ticker:
    """Counts rows and reports every `every` of them (and at the end), so a loop over 100,000
    rows writes about twenty progress entries, not 100,000."""

    def __init__(self, key: str, *, step: str, total: int, every: int = 5000) -> None:
        self.key, self.step, self.total, self.every = key, step, total, every
        self.done = 0
        progress_set(key, step=step, done=0, total=total)

    def add(self, n: int = 1) -> None:
        before = self.done // self.every
        self.done += n
        if self.done // self.every != before:
            progress_set(self.key, step=self.step, done=self.done, total=max(self.total, self.done))

    def finish(self) -> None:
        progress_set(self.key, step=self.step, done=self.done, total=max(self.total, self.done))
