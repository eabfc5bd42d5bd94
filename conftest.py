"""Suite-wide checks and fixtures. App-specific fixtures live in each app's tests/."""

from __future__ import annotations

import os

import pytest
from django.conf import settings


def pytest_configure(config: pytest.Config) -> None:
    # Under CI the suite must prove itself on PostgreSQL; SQLite would hide real problems.
    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("CI", "").lower() == "true" and not engine.endswith("postgresql"):
        raise pytest.UsageError(f"CI=true requires DATABASE_URL to point at PostgreSQL, got {engine}.")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media_root(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Uploads, exports and the demo's library files land in a folder of the run, never the repo's media/.
    from pathlib import Path

    from django.conf import settings as django_settings

    if Path(django_settings.MEDIA_ROOT) == Path(django_settings.BASE_DIR) / "media":  # not already a test's own
        settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _redis_breakers_closed() -> None:
    # The Redis breakers are per process: one test's outage must not make the next skip Redis.
    from common import breaker

    breaker.reset_all()


@pytest.fixture(autouse=True)
def _simple_static_storage(settings: object) -> None:
    # Tests render templates without running collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- Browser tests ----------------------------------------------------------------------------
# Playwright drives the system Chromium (Debian's package); it never downloads a browser.
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
AXE_PATH = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def chromium_browser():
    from pathlib import Path

    executable = next((p for p in CHROMIUM_PATHS if Path(p).exists()), None)
    if executable is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Chromium is not installed; .ci/run installs it from Debian's packages.")
        pytest.skip("Chromium is not installed (apt-get install chromium).")
    # Playwright's sync API runs an event loop in this thread; the ORM calls that tests make
    # around it are synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _new_page(chromium_browser, live_server, **context_options):
    context = chromium_browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    # Every Content-Security-Policy violation a page causes is kept, so accessibility checks can
    # fail on it too: a blocked script or style is a broken page under the production policy.
    page.csp_errors = []
    page.on("console", lambda msg: page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return context, page


@pytest.fixture
def browser_page(chromium_browser, live_server):
    """A fresh browser context per test (its own cookies), pointed at the live server."""
    context, page = _new_page(chromium_browser, live_server, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium_browser, live_server):
    """A small-screen page (a typical phone viewport, with touch)."""
    context, page = _new_page(
        chromium_browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    yield page
    context.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (installed from npm) on the current page; return serious/critical findings.

    The source is evaluated through the DevTools protocol rather than added as a <script> tag:
    an injected inline script would be blocked by our own CSP (script-src 'self'), and
    evaluation keeps the page's real policy in force for everything else.
    """
    page.wait_for_load_state()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate("source => { (0, eval)(source); }", AXE_PATH.read_text())
    results = page.evaluate("async tags => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    assert len(results["passes"]) > 5, "axe-core did not run its checks"
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in results["violations"]
        if v["impact"] in impacts
    ]


@pytest.fixture
def assert_accessible():
    """Fail on serious or critical axe-core findings, and on any CSP violation seen so far."""

    def check(page) -> None:
        violations = axe_violations(page)
        assert violations == [], f"axe-core found accessibility violations on {page.url}: {violations}"
        assert getattr(page, "csp_errors", []) == [], f"CSP violations on {page.url}: {page.csp_errors}"

    return check


def browser_login(page, email: str, password: str = "correct-horse-battery") -> None:
    """Sign in through the real login form."""
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def nav_to(page, menu: str, link: str) -> None:
    """Follow a link of the main navigation as a person would: open its menu, then click it."""
    nav = page.get_by_role("navigation", name="Main")
    toggler = nav.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        nav.locator("#main-nav.show:not(.collapsing)").wait_for()
    nav.get_by_role("button", name=menu, exact=True).click()
    nav.get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    """Sign out through the account menu."""
    nav = page.get_by_role("navigation", name="Main")
    toggler = nav.locator(".navbar-toggler")
    if toggler.is_visible():  # a phone: the account menu is inside the collapsed navigation
        toggler.click()
        nav.locator("#main-nav.show:not(.collapsing)").wait_for()
    nav.locator(".account-toggle").click()
    nav.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


@pytest.fixture
def login_in_browser():
    return browser_login
