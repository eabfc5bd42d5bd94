"""Single requests, one at a time, on the stack the load run uses: what a request costs with no queue.

    HOST=https://127.0.0.1:8443 .venv/bin/python bench/load/single.py   # after bench/load/prepare.py

Signs in as the first ten mentees of bench/out/load_users.json, timing the sign-in POST alone and
the redirects it leads to apart, then opens each one's home and pair page three times. Prints
medians and maxima; asserts nothing. Beside a load run's figures it separates what a request
costs from the time it spent queued.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

import requests
import urllib3

urllib3.disable_warnings()  # the local stack uses a self-signed certificate


def _timed(method, url: str, **kwargs):
    start = time.perf_counter()
    response = method(url, **kwargs)
    return (time.perf_counter() - start) * 1000, response


def main() -> None:
    host = os.environ.get("HOST", "https://127.0.0.1:8443")
    users = json.loads(Path(os.environ.get("LOAD_USERS", "bench/out/load_users.json")).read_text())
    timings: dict[str, list[float]] = {
        "sign-in POST alone": [],
        "its redirects to the home": [],
        "participant home": [],
        "pair page": [],
    }
    for user in users["mentees"][:10]:
        session = requests.Session()
        session.trust_env = False  # a CA bundle from the environment would override verify=False
        session.verify = False
        session.get(f"{host}/accounts/login/")
        data = {
            "login": user["email"],
            "password": users["password"],
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        }
        ms, response = _timed(
            session.post,
            f"{host}/accounts/login/",
            data=data,
            headers={"Referer": f"{host}/accounts/login/"},
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise SystemExit(f"sign-in failed for {user['email']}: {response.status_code}")
        timings["sign-in POST alone"].append(ms)
        timings["its redirects to the home"].append(_timed(session.get, host + response.headers["Location"])[0])
        for _ in range(3):
            timings["participant home"].append(_timed(session.get, f"{host}/programs/me/")[0])
            timings["pair page"].append(_timed(session.get, f"{host}/programs/pairs/{user['pair']}/")[0])
    print(f"load average {os.getloadavg()[0]:.1f}")
    for name, values in timings.items():
        print(f"{name}: n={len(values)} median={statistics.median(values):.0f} ms max={max(values):.0f} ms")


if __name__ == "__main__":
    main()
