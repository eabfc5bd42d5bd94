from __future__ import annotations

import pytest

from profiles.tests.factories import CoordinatorFactory, HRAnalystFactory, PersonFactory


@pytest.fixture
def person(db):
    return PersonFactory(first_name="Alex", last_name="Owner")


@pytest.fixture
def other(db):
    return PersonFactory(first_name="Blair", last_name="Other")


@pytest.fixture
def coordinator(db):
    """A coordinator with no employee record of their own."""
    return CoordinatorFactory()


@pytest.fixture
def hr_analyst(db):
    return HRAnalystFactory()


@pytest.fixture
def assert_accessible():
    """axe-core check that works under our strict CSP.

    The root fixture injects axe with page.add_script_tag, which becomes an inline <script>
    that the CSP (script-src 'self') blocks. Evaluating the source through the DevTools
    protocol is not subject to the page's CSP, and keeps the CSP on for everything else.
    """
    from conftest import AXE_PATH

    source = AXE_PATH.read_text()

    def check(page) -> None:
        page.evaluate(f"() => {{ {source}\n window.axe = axe; }}")
        results = page.evaluate(
            "async () => await window.axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        violations = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert violations == [], f"axe-core found accessibility violations on {page.url}: {violations}"

    return check
