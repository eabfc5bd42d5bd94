"""A working day on the demo department: mentees, mentors and coordinators doing their usual work.

    bash bench/load/run.sh          # starts nothing itself: run `make prod` first

Every write (a meeting logged, an RSVP, a survey answer) is counted when the server confirms it,
so bench/load/verify.py can compare the counts with the database afterwards (no lost writes).
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import uuid
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import urllib3
from locust import HttpUser, between, events, task

urllib3.disable_warnings()  # the local stack uses a self-signed certificate

USERS = json.loads(Path(os.environ.get("LOAD_USERS", "bench/out/load_users.json")).read_text())
RUN_ID = os.environ.get("LOAD_RUN_ID", uuid.uuid4().hex[:8])
WRITES: dict = {"meetings": 0, "rsvps": {}, "surveys": []}
_pools = {role: list(USERS[role]) for role in ("mentors", "mentees", "coordinators")}


def _take(role: str) -> dict:
    pool = _pools[role]
    return pool.pop(0) if pool else random.choice(USERS[role])


class _Fields(HTMLParser):
    """The inputs of the survey form, to answer every question with its first option."""

    def __init__(self) -> None:
        super().__init__()
        self.first_choice: dict[str, str] = {}
        self.texts: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        name = a.get("name")
        if not name or name in ("csrfmiddlewaretoken", "action"):
            return
        if tag == "input" and a.get("type") in ("radio", "checkbox"):
            self.first_choice.setdefault(name, a.get("value", "on"))
        elif tag == "textarea" or (tag == "input" and a.get("type") in (None, "text", "number")):
            self.texts.add(name)


class Participant(HttpUser):
    abstract = True
    wait_time = between(1, 4)
    role = ""

    def on_start(self) -> None:
        self.client.verify = False
        self.me = _take(self.role)
        self.client.get("/accounts/login/", name="login page")
        response = self.client.post(
            "/accounts/login/",
            {"login": self.me["email"], "password": USERS["password"],
             "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            headers={"Referer": self.host + "/accounts/login/"},
            name="sign in",
        )
        if "/accounts/login/" in response.url:
            raise RuntimeError(f"sign-in failed for {self.me['email']}")

    def post(self, url: str, data: dict, name: str):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        return self.client.post(url, data, headers={"Referer": self.host + url}, name=name, allow_redirects=False)


class Mentee(Participant):
    weight = 5
    role = "mentees"

    @task(4)
    def home(self) -> None:
        self.client.get("/programs/me/", name="participant home")

    @task(3)
    def pair_page(self) -> None:
        self.client.get(f"/programs/pairs/{self.me['pair']}/", name="pair page")

    @task(2)
    def rsvp(self) -> None:
        events_page = self.client.get("/programs/me/events/", name="events")
        ids = sorted(set(re.findall(r'href="/programs/events/(\d+)/"', events_page.text)))
        if not ids:
            return
        event_id = random.choice(ids)
        self.client.get(f"/programs/events/{event_id}/", name="event page")
        answer = random.choice(["going", "not_going"])
        response = self.post(f"/programs/events/{event_id}/rsvp/", {"response": answer, "guests": 0}, "RSVP")
        if response.status_code == 302:
            WRITES["rsvps"][f"{self.me['email']}|{event_id}"] = answer

    @task(1)
    def survey(self) -> None:
        if not self.me.get("surveys"):
            return
        link = self.me["surveys"].pop()
        page = self.client.get(link, name="survey page")
        fields = _Fields()
        fields.feed(page.text)
        data = {**fields.first_choice, **{name: f"load {RUN_ID}" for name in fields.texts}, "action": "submit"}
        response = self.post(link, data, "survey submit")
        if response.status_code == 302:
            WRITES["surveys"].append(link.rstrip("/").rsplit("/", 1)[-1])


class Mentor(Participant):
    weight = 4
    role = "mentors"

    @task(3)
    def home(self) -> None:
        self.client.get("/programs/me/", name="participant home")

    @task(3)
    def pair_page(self) -> None:
        self.client.get(f"/programs/pairs/{self.me['pair']}/", name="pair page")

    @task(1)
    def log_meeting(self) -> None:
        from datetime import datetime

        held = (datetime.now() - timedelta(days=random.randint(1, 20))).strftime("%Y-%m-%dT%H:%M")
        url = f"/programs/pairs/{self.me['pair']}/meetings/log/"
        self.client.get(url, name="meeting form")
        response = self.post(
            url,
            {"held_at": held, "meeting_format": "video", "duration_minutes": 45, "private_notes": f"load {RUN_ID}"},
            "log meeting",
        )
        if response.status_code == 302:
            WRITES["meetings"] += 1


class Coordinator(Participant):
    weight = 1
    role = "coordinators"

    @task(3)
    def dashboard(self) -> None:
        self.client.get(f"/reports/dashboard/?cycle={USERS['cycle']}", name="dashboard")

    @task(2)
    def cycle_page(self) -> None:
        self.client.get(f"/programs/coordinate/cycles/{USERS['cycle']}/", name="cycle page")

    @task(2)
    def matching_review(self) -> None:
        page = self.client.get(f"/matching/cycles/{USERS['cycle']}/", name="matching cycle")
        runs = re.findall(r'href="/matching/runs/(\d+)/"', page.text)
        if runs:
            self.client.get(f"/matching/runs/{runs[0]}/", name="matching review")


@events.test_stop.add_listener
def _write_counts(environment, **kwargs) -> None:
    out = Path(os.environ.get("LOAD_WRITES", "bench/out/load_writes.json"))
    # When the client stopped waiting: requests still queued at the server then land afterwards,
    # unconfirmed, and verify.py tells them apart from lost writes.
    out.write_text(json.dumps({"run_id": RUN_ID, "stopped_at": time.time(), **WRITES}))
