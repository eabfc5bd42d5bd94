from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Cross-cutting helpers every app may use: exports, listings, enqueuing tasks, the Redis
    breaker and the failover cache."""

    name = "common"
