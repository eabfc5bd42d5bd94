import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_renders_in_chromium_with_our_own_assets(browser_page):
    requests = []
    browser_page.on("request", lambda r: requests.append(r.url))
    browser_page.goto("/accounts/login/")
    assert browser_page.locator("form").count() >= 1
    # Nothing is fetched from another origin: no CDN at run time.
    assert all(url.startswith(browser_page.url.split("/accounts")[0]) for url in requests)


def test_axe_check_runs_under_the_strict_csp_and_passes_the_login_page(browser_page, assert_accessible):
    browser_page.goto("/accounts/login/")
    assert_accessible(browser_page)


def test_axe_check_finds_a_real_violation(browser_page):
    from conftest import axe_violations

    browser_page.goto("/accounts/login/")
    # An image button without any text alternative is a critical violation (button-name).
    browser_page.evaluate("() => { const b = document.createElement('button'); document.querySelector('main').appendChild(b); }")
    assert any(v["id"] == "button-name" for v in axe_violations(browser_page))
