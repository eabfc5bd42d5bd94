"""`manage.py check --deploy` must be clean with production variables (run as CI would)."""

import os
import subprocess
import sys

from django.conf import settings


def test_check_deploy_is_clean_with_production_variables():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "mentorship.example.gov",
        "SITE_URL": "https://mentorship.example.gov",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/mentorship",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.gov:587",
        "SECURE_SSL_REDIRECT": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright by the browser fixtures only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
