"""Helpers for the integration tests: a real Celery worker, a private redis-server, mail files.

The worker is a subprocess of `celery -A mentorship worker` pointed at the pytest-django test
database and at a Redis database, writing e-mails as files so this process can count them.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

CELERY = Path(sys.executable).with_name("celery")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_ping(url: str, timeout: float = 1.0) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping())
    except (redis.RedisError, OSError):
        return False


def wait_for(check: Callable[[], bool], *, timeout: float, interval: float = 0.1, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}")


def worker_database_url(application_name: str = "") -> str:
    """The test database; `application_name` tags the worker's sessions in pg_stat_activity so a
    test can drop exactly those (pg_terminate_backend) and nobody else's."""
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    url = f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    return f"{url}?application_name={quote(application_name)}" if application_name else url


class ConnectionDropper:
    """A thread that keeps terminating the PostgreSQL sessions tagged `application_name`, from a
    connection of its own, every `interval` seconds, and counts the sessions it ended."""

    def __init__(self, application_name: str, interval: float) -> None:
        import threading

        self.application_name, self.interval = application_name, interval
        self.dropped = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg2

        db = settings.DATABASES["default"]
        conn = psycopg2.connect(
            dbname=db["NAME"],
            user=db.get("USER") or "postgres",
            password=db.get("PASSWORD") or None,
            host=db.get("HOST") or "127.0.0.1",
            port=db.get("PORT") or 5432,
        )
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                while not self._stop.wait(self.interval):
                    cursor.execute(
                        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND application_name = %s AND pid <> pg_backend_pid()",
                        [self.application_name],
                    )
                    self.dropped += cursor.fetchone()[0]
        finally:
            conn.close()

    def __enter__(self) -> ConnectionDropper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


class RedisServer:
    """A redis-server of our own on a free port, so stopping it never touches the machine's."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: redis_ping(self.url), timeout=10, what="our redis-server to answer")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.resume()  # a stopped (SIGSTOP) process cannot act on SIGTERM
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def pause(self) -> None:
        """SIGSTOP: Redis hung, not gone. The kernel still accepts connections and buffers the
        commands sent; nothing answers until `resume`, which then runs what was buffered."""
        assert self.process and self.process.poll() is None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)


def queue_drained(url: str, queue: str) -> bool:
    """Nothing waiting in `queue` and nothing of it taken by a worker but unacknowledged."""
    import json

    import redis

    client = redis.Redis.from_url(url)
    if client.llen(queue):
        return False
    # kombu keeps unacknowledged messages as [message, exchange, routing key] in one hash.
    return not any(json.loads(raw)[2] == queue for raw in client.hvals("unacked"))


class Worker:
    def __init__(
        self,
        *,
        broker_url: str,
        mail_dir: Path,
        log_dir: Path,
        name: str,
        env: dict[str, str] | None = None,
        pool: str = "solo",
        concurrency: int = 1,
    ) -> None:
        self.broker_url, self.mail_dir, self.name = broker_url, mail_dir, name
        self.log_path = log_dir / f"worker-{name}.log"
        self.extra_env = env or {}
        self.pool, self.concurrency = pool, concurrency
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mentorship.settings",
            "DEBUG": "1",
            # The test process's own key: mails it composed (sealed with it) open in the worker.
            "SECRET_KEY": settings.SECRET_KEY,
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": worker_database_url(),
            "CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_URL": f"filemail:///{self.mail_dir}",
            "SITE_URL": settings.SITE_URL,
            "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        log = self.log_path.open("a")
        log.write(f"\n===== start {self.starts} =====\n")
        log.flush()
        self.process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "mentorship",
                "worker",
                f"--pool={self.pool}",
                f"--concurrency={self.concurrency}",
                "-l",
                "info",
                "-n",
                f"{self.name}-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        marker = f"===== start {self.starts} ====="
        wait_for(lambda: self._ready_since(marker), timeout=40, interval=0.2, what=f"worker {self.name} to be ready")

    def _ready_since(self, marker: str) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"worker {self.name} exited:\n{self.log()[-3000:]}")
        text = self.log()
        return " ready." in text[text.rfind(marker) :]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children): no chance to ack or clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        # Cold shutdown (SIGQUIT): the tests are over, nothing is left to finish.
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGQUIT)
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None


def mails(mail_dir: Path) -> list[email.message.Message]:
    """Every message the file backend wrote (one file per connection, messages split by dashes)."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text(errors="replace").split("-" * 79):
            if chunk.strip():
                found.append(email.message_from_string(chunk.lstrip("\n"), policy=email.policy.default))
    return found


def count_per_recipient(mail_dir: Path, subject_starts: str = "") -> Counter[str]:
    return Counter(str(m["To"]) for m in mails(mail_dir) if str(m["Subject"] or "").strip().startswith(subject_starts))
