#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mentorship.settings')
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings, which refuse a missing SECRET_KEY
    except ImproperlyConfigured as exc:
        # Without this, Django swallows the reason and every command fails later with a
        # confusing "Models aren't loaded yet" (AppRegistryNotReady) traceback.
        sys.exit(f"Settings are not usable: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == '__main__':
    main()
