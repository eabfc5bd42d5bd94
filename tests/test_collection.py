"""Every test in the repository is collected by `make test` and CI.

`pytest.ini`'s testpaths once left `privacy` out, so the anonymisation tests never ran. These
checks fail, naming the folder, when an app or a test file is outside testpaths.
"""

from __future__ import annotations

import configparser
import os
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "node_modules", ".git", "media", "__pycache__"}


def _testpaths() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    return set(config["pytest"]["testpaths"].split())


def test_every_project_app_and_the_cross_app_tests_are_in_testpaths():
    root = ROOT.resolve()
    local_apps = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        # Installed packages live in the repository's own .venv on a fresh clone: not ours.
        if path.is_relative_to(root) and path.relative_to(root).parts[0] not in SKIPPED_DIRS:
            local_apps.add(config.name.split(".")[0])
    missing = sorted((local_apps | {"tests"}) - _testpaths())
    assert not missing, f"pytest.ini testpaths leaves out: {', '.join(missing)}"


def test_every_test_file_in_the_repository_is_under_a_testpath():
    testpaths = _testpaths()
    stray = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_DIRS]
        relative = Path(folder).relative_to(ROOT)
        for name in files:
            if name.startswith("test_") and name.endswith(".py") and (not relative.parts or relative.parts[0] not in testpaths):
                stray.append(str(relative / name))
    assert not stray, f"test files pytest never collects: {', '.join(sorted(stray))}"


def test_every_testpath_exists():
    assert not sorted(p for p in _testpaths() if not (ROOT / p).is_dir())
