from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Cross-cutting helpers every app may use: exports. No models."""

    name = "common"
