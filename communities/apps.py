from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = "Communities of practice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from communities import receivers

        receivers.connect()
