"""scripts/run.sh (the first README command) fails fast and clearly when its port is taken."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_make_run_says_the_port_is_taken_before_any_setup() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            ["bash", "scripts/run.sh"],
            cwd=ROOT,
            env={**os.environ, "PORT": str(port), "HOST": "127.0.0.1"},
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"PORT={port + 1} make run" in result.stderr
    assert "==>" not in result.stdout  # nothing was installed or migrated


def test_the_setup_scripts_parse() -> None:
    for script in ("scripts/run.sh", "scripts/bootstrap.sh"):
        assert subprocess.run(["bash", "-n", script], cwd=ROOT).returncode == 0
