from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """A person's own data (download) and removal of people who left (anonymisation).

    It reaches into every app that stores personal data, so it sits at the right end of the
    dependency order; nothing imports from it.
    """

    name = "privacy"
