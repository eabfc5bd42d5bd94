"""docs/ shows only screenshots that scripts/screenshots.py takes, and every one it takes is committed.

No browser and no database: the script's list of shots is plain data, read here without running it.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = re.compile(r"screenshots/([\w.-]+\.png)")


def _script():
    spec = importlib.util.spec_from_file_location("screenshots_script", ROOT / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _references() -> dict[str, set[str]]:
    """Each screenshot file name mentioned in README.md or docs/, with the documents that show it."""
    found: dict[str, set[str]] = {}
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for name in REFERENCE.findall(doc.read_text()):
            found.setdefault(name, set()).add(str(doc.relative_to(ROOT)))
    return found


def test_docs_reference_only_screenshots_the_script_takes():
    made = _script().expected_files()
    unknown = {name: docs for name, docs in _references().items() if name not in made}
    assert unknown == {}, f"docs show screenshots that scripts/screenshots.py does not take: {unknown}"


def test_every_screenshot_the_script_takes_is_committed_and_shown():
    made = _script().expected_files()
    on_disk = {p.name for p in (ROOT / "docs" / "screenshots").glob("*.png")}
    assert made - on_disk == set(), f"run scripts/screenshots.py: missing {sorted(made - on_disk)}"
    assert on_disk - made == set(), f"stale screenshots no script takes: {sorted(on_disk - made)}"
    assert made - set(_references()) == set(), "every screenshot appears in docs/ (docs/tour.md shows them all)"


def test_every_role_home_is_taken_at_laptop_and_phone_widths():
    from accounts.roles import HOMES
    from demo.people import LOGINS

    script = _script()
    logins = {shot.login for shot in script.SHOTS}
    assert logins <= set(LOGINS)
    assert {shot.switch_to for shot in script.SHOTS if shot.switch_to} <= {role for role, _label, _url in HOMES}
    assert {"coordinator", "hr", "mentor", "mentee"} <= logins
    assert any(shot.switch_to for shot in script.SHOTS), "someone with several roles, after switching home"
    assert {w.width for w in script.WIDTHS} == {1280, 360}
    assert len(script.expected_files()) == len(script.SHOTS) * len(script.WIDTHS)


def test_screenshots_stay_small():
    for png in (ROOT / "docs" / "screenshots").glob("*.png"):
        assert png.stat().st_size < 300 * 1024, f"{png.name} is {png.stat().st_size // 1024} KB"
