from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Reminders and notices"

    def ready(self) -> None:
        from notifications import receivers

        receivers.connect()
