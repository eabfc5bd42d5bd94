"""Every role's main pages at four widths, in a real browser, on the demo's data.

At 360, 768, 1280 and 1920 px: no horizontal overflow (the document is exactly as wide as the
viewport), the account menu and its Sign out button can be reached on screen, and axe-core finds
no serious or critical violation (colour contrast included) at the phone and laptop widths.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import _new_page, axe_violations, browser_login
from demo.people import login_email
from demo.programs import PROGRAM_SLUG
from programs.models import Cycle, Mentorship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-password-for-layout"
WIDTHS = (360, 768, 1280, 1920)
AXE_WIDTHS = (360, 1280)
COLLAPSED_BELOW = 992  # Bootstrap's lg breakpoint: the navbar folds into its toggler below it


def _pages() -> dict[str, list[str]]:
    today = timezone.localdate()
    running = Cycle.objects.get(program__slug=PROGRAM_SLUG, starts_on__lte=today, ends_on__gte=today)
    mentee_pair = Mentorship.objects.get(cycle=running, mentee__email=login_email("mentee"))
    return {
        "coordinator": [
            reverse("homes:coordinator"),
            reverse("programs:coordinator-home"),
            reverse("programs:cycle-detail", args=[running.pk]),
            reverse("programs:cycle-applications", args=[running.pk]),
            reverse("programs:cycle-pairs", args=[running.pk]),
            reverse("programs:cycle-help", args=[running.pk]),
            reverse("matching:cycle", args=[running.pk]),
            reverse("surveys:index"),
            reverse("reports:dashboard"),
            reverse("profiles:people"),
        ],
        "hr": [
            reverse("reports:index"),
            reverse("reports:retention"),
            reverse("reports:knowledge"),
            reverse("reports:outcomes"),
        ],
        "mentee": [
            reverse("programs:participant-home"),
            mentee_pair.get_absolute_url(),
            reverse("profiles:idp"),
            reverse("programs:event-list"),
            reverse("profiles:directory"),
            reverse("surveys:my-surveys"),
        ],
        "mentor": [reverse("programs:participant-home"), reverse("profiles:profile-edit")],
    }


def _overflow(page) -> int:
    """How many pixels the document is wider than the viewport (0 when it fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const culprits = [];
  for (const el of document.querySelectorAll('main *, header *')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1) continue;
    let scrolls = false;  // inside a box that scrolls sideways on its own: not the page's problem
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) { scrolls = true; break; }
    }
    if (scrolls) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > width + 1)) continue;
    culprits.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent || '').trim().slice(0, 40)}"`);
  }
  return culprits.slice(0, 4);
}"""


def _sign_out_reachable(page, width: int) -> bool:
    if width < COLLAPSED_BELOW:
        page.locator(".navbar-toggler").click()
        page.locator("#main-nav.show:not(.collapsing)").wait_for()
    page.locator(".account-toggle").click()
    button = page.get_by_role("button", name="Sign out")
    button.wait_for(state="visible")
    box = button.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_every_main_page_fits_and_passes_axe_at_every_width(chromium_browser, live_server):
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("seed_demo", people=300, password=PASSWORD, stdout=StringIO())
    problems: list[str] = []
    for role, urls in _pages().items():
        for width in WIDTHS:
            context, page = _new_page(chromium_browser, live_server, viewport={"width": width, "height": 900})
            try:
                browser_login(page, login_email(role), PASSWORD)
                for url in urls:
                    response = page.goto(url)
                    where = f"{role} {url} at {width}px"
                    if response is None or response.status != 200:
                        problems.append(f"{where}: status {response and response.status}")
                        continue
                    if (extra := _overflow(page)) > 0:
                        problems.append(f"{where}: {extra}px wider than the screen, past it: {page.evaluate(WIDEST)}")
                    if width in AXE_WIDTHS and (violations := axe_violations(page)):
                        problems.append(f"{where}: axe {[(v['id'], v['nodes']) for v in violations]}")
                    if page.csp_errors:
                        problems.append(f"{where}: CSP {page.csp_errors}")
                        page.csp_errors.clear()
                if not _sign_out_reachable(page, width):
                    problems.append(f"{role} at {width}px: Sign out is not on screen")
            finally:
                context.close()
    assert problems == [], "\n".join(problems)
