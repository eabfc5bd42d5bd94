"""`make run`'s server: no warnings, one JSON log line per request, stamped in the server's own
zone, and in-process Celery that never looks for a broker. Driven as real subprocesses."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from mentorship.logging import server_time_zone

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db
# scripts/run.sh (make run) sets it; the test starts the server the same way.
RUN_SH_HIDES_THE_BANNER_WARNING = "true" if "export DJANGO_RUNSERVER_HIDE_WARNING=true" in (ROOT / "scripts/run.sh").read_text() else ""


def _env() -> dict[str, str]:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL", "TZ", "LOG_LEVEL")}
    env.update(
        DEBUG="1",
        DJANGO_RUNSERVER_HIDE_WARNING=RUN_SH_HIDES_THE_BANNER_WARNING,
        PYTHONWARNINGS="default",  # show any warning the server would print
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    )
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.mark.skipif(not connection.vendor == "postgresql", reason="the subprocess reads the test database by URL")
def test_the_development_server_logs_one_line_per_request_and_no_warning():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        for path in ("/accounts/login/", "/health/", "/no-such-page/"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).read()
            except urllib.error.HTTPError as error:
                assert error.code == 404
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    assert "Warning" not in output and "WARNING" not in output, output
    assert "No hostname was supplied" not in output
    requests = [line for line in _lines(output) if line["logger"] == "mentorship.requests"]
    assert [(r["path"], r["status"]) for r in requests] == [("/accounts/login/", 200), ("/health/", 200), ("/no-such-page/", 404)]
    assert not any(line["logger"] == "django.server" for line in _lines(output))
    assert '"GET /' not in output  # runserver's own access line is gone
    # Stamped with the server's clock and its offset, whatever TIME_ZONE (New York) says.
    zone = ZoneInfo(server_time_zone())
    offset = datetime.now(zone).isoformat(timespec="seconds")[-6:]
    assert all(r["time"].endswith(offset) for r in requests), (offset, requests)


def test_in_process_celery_queues_a_task_without_looking_for_a_broker():
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mentorship.settings'); django.setup();"
        "from notifications import tasks; from notifications.enqueue import enqueue; print('queued', enqueue(tasks.purge))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120)
    assert "queued True" in result.stdout, result.stderr
    assert "No hostname was supplied" not in result.stderr
    assert "WARNING" not in result.stderr, result.stderr
