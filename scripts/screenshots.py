"""Screenshots of each role's home for docs/, taken from the demo department so they stay true.

    .venv/bin/python scripts/screenshots.py            # all of them, into docs/screenshots/
    .venv/bin/python scripts/screenshots.py --people 300 --only mentee

Builds the demo data (demo/, `manage.py seed_demo`) in a throw-away SQLite database in a temporary
directory, starts the development server on a free port, signs in through the real sign-in form
as each demo login with Playwright driving the system Chromium (as the browser tests do), and
saves each role's home at a laptop width (1280 px) and a phone width (360 px). The home is
wherever signing in lands, so a screenshot shows what a person really sees first.

Dates in the demo are counted from today, so the pictures change a little every run; run it
again whenever a home changes. tests/test_screenshots.py checks that docs/ and README.md only
show screenshots this script makes, and that every one it makes is committed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "screenshots-demo"
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--font-render-hinting=none",
]


@dataclass(frozen=True)
class Width:
    label: str
    width: int
    height: int  # the first screen; the picture runs on below it up to max_height
    max_height: int


WIDTHS = (Width("desktop", 1280, 800, 1800), Width("phone", 360, 740, 2600))


@dataclass(frozen=True)
class Shot:
    name: str
    login: str  # a demo login (demo.people.LOGINS)
    caption: str
    switch_to: str = ""  # a home of accounts.roles.HOMES: the account menu's "Start my day on"


SHOTS = (
    Shot("coordinator", "coordinator", "The coordinator's home: what needs them today, each with its count and link."),
    Shot("hr", "hr", "The HR analyst's home: the reports with their headline figures."),
    Shot("mentor", "mentor", "A mentor's home: the pair, meetings and what to do next, with no goals to add."),
    Shot("mentee", "mentee", "A mentee's home: the pair, the development plan and what to do next."),
    Shot(
        "several-roles",
        "coordinator",
        "Someone with several roles (the coordinator also takes part) switches home from the account menu.",
        switch_to="participant",
    ),
)


def filename(shot: Shot, width: Width) -> str:
    return f"{shot.name}-{width.label}.png"


def expected_files() -> set[str]:
    """Every file the script writes into docs/screenshots/ (the test compares docs/ with it)."""
    return {filename(shot, width) for shot in SHOTS for width in WIDTHS}


# --- Running the app ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(tmp: Path) -> dict[str, str]:
    """The development defaults on a database of its own: nothing here touches another database,
    a broker or a mailbox (mail goes nowhere, tasks run in-process). Set explicitly rather than
    removed, so that a local .env (read without overwriting) cannot bring them back."""
    env = dict(os.environ)
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        REDIS_URL="",
        CELERY_BROKER_URL="",
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        DJANGO_RUNSERVER_HIDE_WARNING="true",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict[str, str], log, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=log, stderr=log, check=True)


def _wait_for(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped (exit {server.returncode}); see its log above.")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer {url} within {timeout:.0f} s.")


# --- Taking the pictures -------------------------------------------------------------------------


def _open_account_menu(page, width: Width) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#main-nav.show:not(.collapsing)").wait_for()
    page.locator(".account-toggle").click()
    page.locator(".dropdown-menu.show").last.wait_for()


def _take(browser, base_url: str, shot: Shot, width: Width, email: str) -> Path:
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": width.width, "height": width.height},
        device_scale_factor=1,
        is_mobile=width.width < 768,
        has_touch=width.width < 768,
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if "/accounts/login/" in page.url:
            raise SystemExit(f"Signing in as {email} failed: still on {page.url}")
        page.reload()  # the same home, without the one-off "Successfully signed in" message
        if shot.switch_to:
            _open_account_menu(page, width)
            switch = page.locator("form[action$='/home/switch/']").filter(
                has=page.locator(f"input[name=role][value={shot.switch_to}]")
            )
            switch.get_by_role("button").click()
            page.wait_for_load_state()
            _open_account_menu(page, width)  # show where the switch is, on the home it chose
        height = min(page.evaluate("() => document.documentElement.scrollHeight"), width.max_height)
        path = OUT / filename(shot, width)
        page.screenshot(
            path=str(path),
            full_page=True,
            animations="disabled",
            caret="hide",
            clip={"x": 0, "y": 0, "width": width.width, "height": max(height, width.height)},
        )
        return path
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2200, help="demo headcount (the demo's default: 2200)")
    parser.add_argument("--only", action="append", choices=[s.name for s in SHOTS], help="only these shots")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and server log")
    args = parser.parse_args()

    executable = next((p for p in CHROMIUM_PATHS if Path(p).exists()), None)
    if executable is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium).")
    if not (ROOT / "static" / "vendor" / "bootstrap" / "bootstrap.min.css").exists():
        raise SystemExit("The front-end assets are missing: run `make run` (or `npm ci && npm run vendor`) once.")
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="mentorship-screenshots-"))
    env = _environment(tmp)
    # The demo's own login addresses; Django is set up on the same throw-away settings to read them.
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from demo.people import login_email

    log_path = tmp / "server.log"
    server = None
    try:
        with log_path.open("w") as log:
            print(f"==> demo data in {tmp / 'db.sqlite3'} ({args.people} people)", flush=True)
            _manage(env, log, "migrate", "--noinput", "-v0")
            _manage(env, log, "seed_demo", "--people", str(args.people), "--password", PASSWORD)
            port = _free_port()
            base_url = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
            _wait_for(f"{base_url}/accounts/login/", server)
            print(f"==> server at {base_url}", flush=True)
            OUT.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
                for shot in SHOTS:
                    if args.only and shot.name not in args.only:
                        continue
                    for width in WIDTHS:
                        path = _take(browser, base_url, shot, width, login_email(shot.login))
                        print(f"    {path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB", flush=True)
                browser.close()
    except (subprocess.CalledProcessError, SystemExit):
        print(log_path.read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"==> kept {tmp}")


if __name__ == "__main__":
    main()
