import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_renders_in_chromium_with_our_own_assets(browser_page):
    requests = []
    browser_page.on("request", lambda r: requests.append(r.url))
    browser_page.goto("/accounts/login/")
    assert browser_page.locator("form").count() >= 1
    # Nothing is fetched from another origin: no CDN at run time.
    assert all(url.startswith(browser_page.url.split("/accounts")[0]) for url in requests)
