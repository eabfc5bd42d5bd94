from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Reminders and notices"

    def ready(self) -> None:
        from common.mail import ledger_register
        from notifications import receivers
        from notifications.services.ledger import mails_record

        receivers.connect()
        ledger_register(mails_record)
