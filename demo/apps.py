from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Builds the realistic demo department (manage.py seed_demo). Depends on every app."""

    name = "demo"
