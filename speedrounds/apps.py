from django.apps import AppConfig


class SpeedroundsConfig(AppConfig):
    name = "speedrounds"
    verbose_name = "Speed rounds"
    default_auto_field = "django.db.models.BigAutoField"
