"""What one sign-in costs in password hashing: the configured hasher against PBKDF2.

Prints wall and CPU milliseconds per verification (best of N); CPU time is what a department
arriving at 9 am queues for on a small machine. Run: DEBUG=1 .venv/bin/python bench/password_hashing.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher  # noqa: E402


def best(fn, runs: int) -> tuple[float, float]:
    wall = cpu = float("inf")
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall * 1000, cpu * 1000


def _cost(summary: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in summary.items() if k not in ("salt", "hash", "algorithm"))


def main() -> None:
    password = "correct-horse-battery-staple"
    for hasher, runs in ((get_hasher("default"), 20), (PBKDF2PasswordHasher(), 5)):
        encoded = hasher.encode(password, hasher.salt())
        wall, cpu = best(lambda h=hasher, e=encoded: h.verify(password, e), runs)
        print(f"{hasher.algorithm:<16} wall {wall:7.1f} ms  cpu {cpu:7.1f} ms  {_cost(hasher.safe_summary(encoded))}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
