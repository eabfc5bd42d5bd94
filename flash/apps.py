from django.apps import AppConfig


class FlashConfig(AppConfig):
    name = "flash"
    verbose_name = "Flash mentoring"
    default_auto_field = "django.db.models.BigAutoField"
